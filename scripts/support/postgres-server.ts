// A PostgreSQL server the benchmarks and the multi-instance tests make scratch databases on, and the environment a
// portal instance needs to serve from one: shared by scripts/bench and test/e2e.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server as `BENCH_POSTGRES_URL` or `TEST_POSTGRES_URL` names it (a database a creating role may connect to), else this machine's. */
export function postgresServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_POSTGRES_URL ?? env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The URL with its password hidden, for messages. */
export function shownPostgresUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function withServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Undefined when the server answers, else why not (one line, no password). */
export async function postgresUnavailable(serverUrl: string): Promise<string | undefined> {
  try {
    await withServer(serverUrl, (client) => client.query('select 1'));
    return undefined;
  } catch (error) {
    return `PostgreSQL does not answer at ${shownPostgresUrl(serverUrl)} (${error instanceof Error ? error.message : String(error)})`;
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops it, ending any connection still open on it. */
  drop(): Promise<void>;
}

/** Makes an empty database with a unique name (`<prefix>_<pid>_<random>`) on the server, a copy of `template` when one is named. */
export async function createScratchDatabase(serverUrl: string, prefix: string, template?: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(5).toString('hex')}`;
  await withServer(serverUrl, (client) => client.query(`create database "${name}"${template ? ` template "${template}"` : ''}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => void (await withServer(serverUrl, (client) => client.query(`drop database if exists "${name}" with (force)`))),
  };
}

/**
 * What portal instances on PostgreSQL need besides DATABASE_URL: the secret and the chain's signing key that every
 * instance of one deployment shares (made fresh here: pass the same pair to each instance).
 */
export function postgresPortalSecrets(): { PORTAL_SECRET: string; CHAIN_SIGNING_KEY: string } {
  return {
    PORTAL_SECRET: randomBytes(32).toString('base64url'),
    CHAIN_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
