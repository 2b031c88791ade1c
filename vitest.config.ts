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
      // The same e2e tests on PostgreSQL: every portal a test starts, the global setup's shared one included, serves from
      // a fresh database of its own on the server at 127.0.0.1:5432 (TEST_POSTGRES_URL), made and dropped by
      // test/e2e/store.ts; the test process reaches it through the same repositories (test/e2e/store-setup.ts).
      {
        extends: true,
        test: {
          name: 'e2e-postgres',
          include: ['test/e2e/**/*.test.ts'],
          exclude: [
            // Their subject is the SQLite file itself: db:backup/db:restore of a .db file, the SQLite migration lock
            // beside it, a crash between the WAL and the file. PostgreSQL's backups are pg_dump's, its lock an advisory one.
            'test/e2e/backup.test.ts',
            'test/e2e/durability.test.ts',
            // Tampering by copying and editing .db files (proof/chain-tampering.test.ts does the part that needs no
            // copy on both stores), and the modes of the .db, -wal and portal-secret files and .db backups.
            'test/e2e/proof/chain.test.ts',
            'test/e2e/attacks/files.test.ts',
            // Runs its two instances on PostgreSQL in the e2e run already.
            'test/e2e/instances.test.ts',
          ],
          env: { E2E_STORE: 'postgres' },
          globalSetup: ['test/e2e/global-setup.ts'],
          setupFiles: ['test/e2e/store-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // After the other projects (which run together): never two browser suites at once on 2 cores.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
