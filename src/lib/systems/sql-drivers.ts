import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Identifiers } from './register.ts';
import { rewriteParameters } from './register.ts';

// One connection to a system's database, opened for one attempt of a task and always closed: the same few operations
// on PostgreSQL (pg), MySQL/MariaDB (mysql2) and SQLite (better-sqlite3), named parameters rewritten to each driver's
// placeholders. A driver's own error is thrown as it is; sql.ts turns it into a task error.

export interface QueryRows {
  columns: string[];
  rows: unknown[][];
}

export interface SqlSession {
  /** Starts a transaction; `readOnly`: one the database refuses any write in. */
  begin(readOnly: boolean): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Rows of a query; more than `maxRows` throws `TooManyRowsError` without reading the rest where the driver can stop. */
  query(sql: string, identifiers: Identifiers, maxRows: number): Promise<QueryRows>;
  /** The rows a statement affected. */
  run(sql: string, identifiers: Identifiers): Promise<number>;
  close(): Promise<void>;
}

export class TooManyRowsError extends Error {
  override name = 'TooManyRowsError';
}

/** A database file that does not exist: never created by a connector. */
export class MissingDatabaseFileError extends Error {
  override name = 'MissingDatabaseFileError';
  readonly code = 'ENOENT';
}

/** The time an attempt had ran out between two statements (SQLite runs them synchronously). */
export class AttemptTimeoutError extends Error {
  override name = 'AttemptTimeoutError';
}

const valuesOf = (names: readonly string[], identifiers: Identifiers) => names.map((name) => identifiers[name as keyof Identifiers] ?? null);

/** Opens a session on `url` (postgres://, mysql://, mariadb://, sqlite:path relative to `cwd`). */
export async function openSession(url: string, timeoutMs: number, cwd: string): Promise<SqlSession> {
  if (url.startsWith('sqlite:')) return sqliteSession(url, timeoutMs, cwd);
  if (/^(mysql|mariadb):\/\//.test(url)) return mysqlSession(url, timeoutMs);
  return postgresSession(url, timeoutMs);
}

// Dates and timestamps as the database wrote them (a `date` read as a local Date would shift by the time zone).
const textTypes = new Set([1082, 1083, 1114, 1184, 1266]);
const postgresTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    textTypes.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

async function postgresSession(url: string, timeoutMs: number): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, types: postgresTypes });
  // A connection cut while idle is heard here, not thrown at the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  const numbered = (sql: string) => rewriteParameters(sql, (_name, index) => `$${index + 1}`);
  return {
    begin: async (readOnly) => void (await client.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN')),
    commit: async () => void (await client.query('COMMIT')),
    rollback: async () => void (await client.query('ROLLBACK')),
    async query(sql, identifiers, maxRows) {
      const statement = numbered(sql);
      const result = await client.query({ text: statement.sql, values: valuesOf(statement.names, identifiers), rowMode: 'array' });
      if (result.rows.length > maxRows) throw new TooManyRowsError();
      return { columns: result.fields.map((field) => field.name), rows: result.rows as unknown[][] };
    },
    async run(sql, identifiers) {
      const statement = numbered(sql);
      return (await client.query(statement.sql, valuesOf(statement.names, identifiers))).rowCount ?? 0;
    },
    close: () => client.end(),
  };
}

async function mysqlSession(url: string, timeoutMs: number): Promise<SqlSession> {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  const connection = await mysql.createConnection({
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    ...(database ? { database } : {}),
    connectTimeout: timeoutMs,
    dateStrings: true,
    supportBigNumbers: true,
    rowsAsArray: true,
    multipleStatements: false,
  });
  connection.on('error', () => {});
  // The server ends a statement that runs past the attempt's time itself (MariaDB: max_statement_time, in seconds;
  // MySQL: max_execution_time, in ms, for SELECT), so a slow query does not go on holding locks after the portal gave
  // up; the client's own timeout, a little later, is the fallback for what the server does not cover.
  const clientTimeoutMs = timeoutMs + 250;
  let timedOut = false;
  const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') timedOut = true;
      throw error;
    }
  };
  try {
    const [[version]] = (await connection.query({ sql: 'SELECT VERSION()', timeout: clientTimeoutMs, rowsAsArray: true })) as unknown as [[string][]];
    const serverLimit = /mariadb/i.test(String(version?.[0] ?? ''))
      ? `SET SESSION max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`
      : `SET SESSION max_execution_time = ${Math.ceil(timeoutMs)}`;
    await connection.query({ sql: serverLimit, timeout: clientTimeoutMs });
  } catch (error) {
    connection.destroy();
    throw error;
  }
  const positional = (sql: string) => rewriteParameters(sql, () => '?');
  const plain = (sql: string) => guarded(async () => void (await connection.query({ sql, timeout: clientTimeoutMs })));
  return {
    begin: (readOnly) => plain(readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION'),
    commit: () => plain('COMMIT'),
    rollback: () => plain('ROLLBACK'),
    query: (sql, identifiers, maxRows) =>
      guarded(async () => {
        const statement = positional(sql);
        const [rows, fields] = await connection.query(
          { sql: statement.sql, timeout: clientTimeoutMs, rowsAsArray: true },
          valuesOf(statement.names, identifiers),
        );
        const list = rows as unknown[][];
        if (list.length > maxRows) throw new TooManyRowsError();
        return { columns: (fields ?? []).map((field) => field.name), rows: list };
      }),
    run: (sql, identifiers) =>
      guarded(async () => {
        const statement = positional(sql);
        const [result] = await connection.query({ sql: statement.sql, timeout: clientTimeoutMs }, valuesOf(statement.names, identifiers));
        return (result as mysql.ResultSetHeader).affectedRows;
      }),
    // A connection whose query timed out on the client side is still mid-answer (ending it politely would wait for
    // the statement): it is destroyed instead, which also rolls back what it began.
    close: async () => {
      if (timedOut) return void connection.destroy();
      try {
        await connection.end();
      } catch {
        connection.destroy();
      }
    },
  };
}

function sqliteSession(url: string, timeoutMs: number, cwd: string): SqlSession {
  const path = resolve(cwd, url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''));
  if (!existsSync(path)) throw new MissingDatabaseFileError('the database file does not exist');
  const db = new Database(path, { fileMustExist: true, timeout: timeoutMs });
  const started = Date.now();
  const inTime = () => {
    if (Date.now() - started > timeoutMs) throw new AttemptTimeoutError('the attempt ran out of time');
  };
  const positional = (sql: string) => rewriteParameters(sql, () => '?');
  return {
    async begin(readOnly) {
      if (readOnly) {
        db.pragma('query_only = ON');
        db.exec('BEGIN');
      } else {
        // The write lock up front: a busy file waits `timeoutMs`, then fails as SQLITE_BUSY.
        db.exec('BEGIN IMMEDIATE');
      }
    },
    commit: async () => void db.exec('COMMIT'),
    rollback: async () => {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
    async query(sql, identifiers, maxRows) {
      inTime();
      const statement = positional(sql);
      const prepared = db.prepare(statement.sql).raw(true);
      const rows: unknown[][] = [];
      for (const row of prepared.iterate(...valuesOf(statement.names, identifiers))) {
        if (rows.length === maxRows) throw new TooManyRowsError();
        rows.push(row as unknown[]);
      }
      return { columns: prepared.columns().map((column) => column.name), rows };
    },
    async run(sql, identifiers) {
      inTime();
      const statement = positional(sql);
      return db.prepare(statement.sql).run(...valuesOf(statement.names, identifiers)).changes;
    },
    close: async () => void db.close(),
  };
}
