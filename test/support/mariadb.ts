// The MariaDB server the systems tests use as a customer database: 127.0.0.1:3306 as root without a password (the
// project's machines), or TEST_MARIADB_URL. Outside CI a server that does not answer skips them with a warning; in CI
// it fails the file, as postgresReachable does.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

const serverUrl = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/';

async function connect(url = serverUrl) {
  return mysql.createConnection({ uri: url, connectTimeout: 3_000, multipleStatements: true });
}

export async function mariadbReachable(): Promise<boolean> {
  try {
    const connection = await connect();
    await connection.end();
    return true;
  } catch (error) {
    const message = `MariaDB does not answer at 127.0.0.1:3306 (${error instanceof Error ? error.message : String(error)}); set TEST_MARIADB_URL or start it.`;
    if (process.env.CI) throw new Error(`${message} The MariaDB tests are required in CI.`);
    console.warn(`${message} The MariaDB tests are skipped.`);
    return false;
  }
}

/** A scratch database (`systems_test_<pid>_<random>`) with `setup` run in it; `drop()` removes it. */
export async function createMariadbDatabase(setup: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `systems_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await connect();
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.query(`USE \`${name}\`; ${setup}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const connection = await connect();
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
