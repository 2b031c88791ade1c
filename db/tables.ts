import * as postgresTables from './postgres/schema.ts';
import * as sqliteTables from './schema.ts';

/**
 * The portal's tables for the store this process runs on: PostgreSQL's twins when `DATABASE_URL` is set, else
 * SQLite's. A process runs on one store (see `openStore`), so repositories import their tables from here and the same
 * query runs on either. The two schema descriptions name the same tables and columns with the same JavaScript types
 * (test/db-pg/schema-parity.test.ts holds them to it), so the SQLite description types both.
 */
export type PortalTables = typeof sqliteTables;

/** Which store the environment of this process names. */
export function storeDialectOf(environment: NodeJS.ProcessEnv): 'sqlite' | 'postgres' {
  return environment.DATABASE_URL ? 'postgres' : 'sqlite';
}

export const tablesDialect = storeDialectOf(process.env);

const tables: PortalTables = tablesDialect === 'postgres' ? (postgresTables as unknown as PortalTables) : sqliteTables;

export const {
  policyVersions,
  consentRecords,
  marketingSubscriptions,
  marketingEvents,
  requests,
  requestEvents,
  requestExports,
  requestTasks,
  requestFiles,
  dpoUsers,
  dpoSessions,
  consentRetentionCheckpoints,
  auditEvents,
  floodCounters,
} = tables;
