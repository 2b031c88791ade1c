import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'db', include: ['test/db/**/*.test.ts'] } },
      // The same db tests on PostgreSQL: DATABASE_URL makes db/tables.ts pick PostgreSQL's tables, and
      // test/support/database.ts gives each test a fresh database on the server at 127.0.0.1:5432 (TEST_POSTGRES_URL).
      {
        extends: true,
        test: {
          name: 'db-postgres',
          include: ['test/db/**/*.test.ts'],
          // The SQLite file's own schema check; PostgreSQL's is in test/db-pg.
          exclude: ['test/db/schema-check.test.ts'],
          env: { DATABASE_URL: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      // The PostgreSQL store, on the server at 127.0.0.1:5432 (test/support/postgres.ts): skipped with a warning when
      // none answers, except in CI.
      { extends: true, test: { name: 'db-pg', include: ['test/db-pg/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One server, one browser per file; files run one after another so timings stay calm on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
