// The PostgreSQL server the db-pg tests run on: 127.0.0.1:5432 as the project's machines provide it (trust auth), or
// TEST_POSTGRES_URL (a URL to a database the tests may connect to, usually `postgres`, as a role that may create
// databases). Every test file works in databases of its own, made fresh and dropped afterwards.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import pg from 'pg';

const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server URL with its password hidden, for messages. */
const shownUrl = serverUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Whether the PostgreSQL tests can run. Outside CI a server that does not answer skips them with a warning; in CI
 * (`CI` set) it fails the file, so a broken service can never pass for a green run.
 */
export async function postgresReachable(): Promise<boolean> {
  try {
    await withServer((client) => client.query('select 1'));
    return true;
  } catch (error) {
    const message = `PostgreSQL does not answer at ${shownUrl} (${error instanceof Error ? error.message : String(error)}); set TEST_POSTGRES_URL or start it.`;
    if (process.env.CI) throw new Error(`${message} The PostgreSQL tests are required in CI.`);
    console.warn(`${message} The PostgreSQL tests are skipped.`);
    return false;
  }
}

export interface TestDatabase {
  /** Name, unique to this run: `portal_test_<pid>_<random>`. */
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Makes an empty database with a unique name on the test server (a copy of `template` when one is named). */
export async function createTestDatabase(template?: string): Promise<TestDatabase> {
  const name = `portal_test_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withServer((client) => client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    // FORCE ends connections a failed test left open, so the database never outlives its test.
    drop: async () => void (await withServer((client) => client.query(`drop database if exists "${name}" with (force)`))),
  };
}

/** A fresh database for one test, dropped when the test finishes, passed or not. */
export async function databaseForThisTest(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  onTestFinished(() => database.drop());
  return database;
}

/** A fresh database for the tests of the enclosing `describe` (one per file), made before them and dropped after. */
export function databaseForTheseTests(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('the test database is made in beforeAll');
      return database.url;
    },
  };
}
