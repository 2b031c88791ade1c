import type { SqlSystem, System } from './register.ts';
import { AttemptTimeoutError, MissingDatabaseFileError, openSession, TooManyRowsError, type SqlSession } from './sql-drivers.ts';
import type { AttemptOutcome, CollectedTable, Connector, TaskContext, TaskError } from './tasks.ts';

// The `sql` channel: a system's named statements run against its database with the requester's verified identifiers.
// Collecting reads on the read-only URL inside a read-only transaction; erasing and restricting run every statement
// in one transaction on the main URL, so a failure leaves nothing half done.

export interface SqlConnectorOptions {
  /** What `sqlite:` paths are relative to; the working directory when not given. */
  cwd?: string;
}

type Resolved = Extract<System, { kind: 'sql' }>;

/** A value a driver returned, as JSON can carry it: dates as ISO text, big integers as numbers when exact, bytes as base64. */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

const failed = (error: TaskError, retryable: boolean): AttemptOutcome => ({ kind: 'failed', error, retryable });

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENOENT', 'SQLITE_CANTOPEN']);
const timeoutCodes = new Set(['57014', 'ETIMEDOUT', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_STATEMENT_TIMEOUT', 'ER_QUERY_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

/** The server's errors that mysql2 leaves without a code: a statement the server ended for running too long. */
const mysqlErrnoCodes: Record<number, string> = { 1969: 'ER_STATEMENT_TIMEOUT', 3024: 'ER_QUERY_TIMEOUT' };

function codeOf(error: unknown): string | undefined {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return typeof errno === 'number' ? mysqlErrnoCodes[errno] : undefined;
}

/** A connection that failed: unreachable or timed out (both retryable). The detail is the driver's code, never the URL. */
function connectionFailure(error: unknown): AttemptOutcome {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : '';
  if (error instanceof AttemptTimeoutError || (code && timeoutCodes.has(code)) || /timeout/i.test(message))
    return failed({ code: 'timeout', detail: code ?? 'connect' }, true);
  return failed({ code: 'unreachable', ...(code ? { detail: code } : {}) }, true);
}

/** A statement that failed: the statement's name and the driver's code (never the parameters' values). */
function statementFailure(name: string, error: unknown): AttemptOutcome {
  if (error instanceof TooManyRowsError) return failed({ code: 'tooLarge', detail: name }, false);
  const code = codeOf(error);
  if (error instanceof AttemptTimeoutError || (code && timeoutCodes.has(code))) return failed({ code: 'timeout', detail: name }, true);
  // The connection dropped under the statement: the database went away, not the statement's fault.
  if (code && unreachableCodes.has(code)) return failed({ code: 'unreachable', detail: `${name}: ${code}` }, true);
  return failed({ code: 'statementFailed', detail: code ? `${name}: ${code}` : name }, false);
}

async function withSession(url: string, timeoutMs: number, cwd: string, work: (session: SqlSession) => Promise<AttemptOutcome>): Promise<AttemptOutcome> {
  let session: SqlSession;
  try {
    session = await openSession(url, timeoutMs, cwd);
  } catch (error) {
    if (error instanceof MissingDatabaseFileError) return failed({ code: 'unreachable', detail: 'ENOENT' }, true);
    return connectionFailure(error);
  }
  try {
    return await work(session);
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Runs `statements` one after another inside a transaction: committed when all succeed, rolled back at the first failure. */
async function inTransaction<S extends { name: string }, T>(
  session: SqlSession,
  readOnly: boolean,
  statements: readonly S[],
  each: (statement: S) => Promise<T>,
): Promise<{ ok: true; values: T[] } | { ok: false; outcome: AttemptOutcome }> {
  try {
    await session.begin(readOnly);
  } catch (error) {
    return { ok: false, outcome: connectionFailure(error) };
  }
  const values: T[] = [];
  for (const statement of statements) {
    try {
      values.push(await each(statement));
    } catch (error) {
      await session.rollback().catch(() => undefined);
      return { ok: false, outcome: statementFailure(statement.name, error) };
    }
  }
  try {
    // A read-only transaction ends with a rollback: it changed nothing to keep.
    if (readOnly) await session.rollback();
    else await session.commit();
  } catch (error) {
    return { ok: false, outcome: statementFailure('commit', error) };
  }
  return { ok: true, values };
}

function queriesFor(system: SqlSystem, requestType: string) {
  return requestType === 'portability' ? (system.statements.portability ?? system.statements.access) : system.statements.access;
}

/** The connector of the `sql` channel. */
export function sqlConnector(options: SqlConnectorOptions = {}): Connector {
  const cwd = options.cwd ?? process.cwd();
  return async (context: TaskContext) => {
    const system = context.system;
    if (system?.kind !== 'sql') return failed({ code: 'statementFailed', detail: 'not an sql system' }, false);
    const { identifiers, task } = context;
    if (!Object.values(identifiers).some((value) => value !== null)) return failed({ code: 'statementFailed', detail: 'no verified identifier' }, false);
    switch (task.action) {
      case 'collect':
        return collect(system, queriesFor(system, context.request.type), context, cwd);
      case 'erase':
      case 'restrict': {
        const statements = task.action === 'erase' ? system.statements.erasure : system.statements.restriction;
        return withSession(system.connection.url, system.timeoutMs, cwd, async (session) => {
          const done = await inTransaction(session, false, statements, (statement) => session.run(statement.sql, identifiers));
          if (!done.ok) return done.outcome;
          const counts = Object.fromEntries(statements.map((statement, index) => [statement.name, done.values[index] ?? 0]));
          return { kind: 'done', result: { kind: task.action === 'erase' ? 'erased' : 'restricted', counts } };
        });
      }
      default:
        return failed({ code: 'statementFailed', detail: `no ${task.action} statements` }, false);
    }
  };
}

function collect(system: Resolved, queries: SqlSystem['statements']['access'], context: TaskContext, cwd: string): Promise<AttemptOutcome> {
  return withSession(system.connection.readUrl, system.timeoutMs, cwd, async (session) => {
    const done = await inTransaction(session, true, queries, (query) => session.query(query.sql, context.identifiers, system.maxRows));
    if (!done.ok) return done.outcome;
    const tables: CollectedTable[] = queries.map((query, index) => {
      const read = done.values[index] ?? { columns: [], rows: [] };
      return {
        name: query.name,
        label: query.label,
        columns: read.columns,
        ...(query.columns ? { columnLabels: query.columns } : {}),
        rows: read.rows.map((row) => row.map(jsonSafe)),
      };
    });
    return { kind: 'done', result: { kind: 'collected', tables, collectedAt: context.now } };
  });
}
