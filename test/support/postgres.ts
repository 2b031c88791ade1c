// The PostgreSQL server the db-pg tests run on: 127.0.0.1:5432 as the project's machines provide it (trust auth), or
// TEST_POSTGRES_URL (a URL to a database the tests may connect to, usually `postgres`, as a role that may create
// databases). Every test file works in databases of its own, made fresh and dropped afterwards.
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { createScratchDatabase, postgresUnavailable, type ScratchDatabase } from '../../scripts/support/postgres-server.ts';

const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Whether the PostgreSQL tests can run. Outside CI a server that does not answer skips them with a warning; in CI
 * (`CI` set) it fails the file, so a broken service can never pass for a green run.
 */
export async function postgresReachable(): Promise<boolean> {
  const unavailable = await postgresUnavailable(serverUrl);
  if (!unavailable) return true;
  const message = `${unavailable}; set TEST_POSTGRES_URL or start it.`;
  if (process.env.CI) throw new Error(`${message} The PostgreSQL tests are required in CI.`);
  console.warn(`${message} The PostgreSQL tests are skipped.`);
  return false;
}

/** A database of one test run (`portal_test_<pid>_<random>`), dropped with `drop()`. */
export type TestDatabase = ScratchDatabase;

/** Makes an empty database with a unique name on the test server (a copy of `template` when one is named). */
export function createTestDatabase(template?: string): Promise<TestDatabase> {
  return createScratchDatabase(serverUrl, 'portal_test', template);
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
