import { DrizzleQueryError, sql } from 'drizzle-orm';
import { NestedStoreAccessError, reentryGuard, type Executor, type Store, type Transaction } from '../store.ts';
import { closePostgresDatabase, type PostgresDatabase, type PostgresTransaction } from './connection.ts';

/** The PostgreSQL store: a pool of connections, its handle kept for migrations and schema checks. */
export interface PostgresStore extends Store {
  readonly dialect: 'postgres';
  readonly handle: PostgresDatabase;
}

const postgresTransactions = new WeakSet<object>();

/**
 * A statement PostgreSQL refused, with the server's own reason as its message (a trigger's "consent records are
 * append-only", a unique violation), its SQLSTATE `code` and `constraint`, and nothing else: drizzle's own error puts
 * the statement's parameters (addresses, names) in its message, where a log line would carry them.
 */
export class StoreQueryError extends Error {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  constructor(message: string, code?: string, constraint?: string) {
    super(message);
    this.name = 'StoreQueryError';
    this.code = code;
    this.constraint = constraint;
  }
}

/** `error` as the store lets it out: a refused statement as a StoreQueryError, anything else unchanged. */
function withoutParameters(error: unknown): unknown {
  if (!(error instanceof DrizzleQueryError)) return error;
  const cause = error.cause as { message?: string; code?: string; constraint?: string } | undefined;
  return new StoreQueryError(cause?.message ?? 'the database refused a statement', cause?.code, cause?.constraint);
}

/**
 * The drizzle transaction behind a Transaction of the PostgreSQL store, or undefined on any other store: for what
 * only PostgreSQL has (the consent chain's advisory lock).
 */
export function postgresTransactionOf(tx: Executor): PostgresTransaction | undefined {
  return postgresTransactions.has(tx) ? (tx as unknown as PostgresTransaction) : undefined;
}

/**
 * Wraps a pool in a Store. Reads run on any free connection; a snapshot read is a READ ONLY transaction at REPEATABLE
 * READ (one state of the database for all its statements). Transactions run at READ COMMITTED, PostgreSQL's default:
 * the consent chain's appends serialise on an advisory lock taken as their first statement (see
 * `takeConsentChainLock`), and every other write is guarded by its own row conditions and unique indexes. Unlike the
 * SQLite store, calls from different flows run at the same time, each on its own connection.
 */
export function postgresStore(handle: PostgresDatabase): PostgresStore {
  const guard = reentryGuard();
  let closed = false;
  const enter = <T>(fn: () => Promise<T>): Promise<T> => {
    if (guard.inside()) return Promise.reject(new NestedStoreAccessError());
    if (closed) return Promise.reject(new Error('The store is closed.'));
    return guard.run(fn).catch((error: unknown) => {
      throw withoutParameters(error);
    });
  };
  const withTransaction = <T>(tx: PostgresTransaction, fn: (tx: Transaction) => Promise<T> | T): Promise<T> | T => {
    postgresTransactions.add(tx);
    return fn(tx as unknown as Transaction);
  };

  return {
    dialect: 'postgres',
    handle,
    read: (fn, options) =>
      enter(async () =>
        options?.snapshot
          ? handle.transaction(async (tx) => fn(tx as unknown as Executor), { isolationLevel: 'repeatable read', accessMode: 'read only' })
          : fn(handle as unknown as Executor),
      ),
    transaction: (fn) => enter(() => handle.transaction(async (tx) => withTransaction(tx, fn), { isolationLevel: 'read committed' })),
    answers: async () => {
      if (closed) return false;
      try {
        await handle.execute(sql`select 1`);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await closePostgresDatabase(handle);
    },
  };
}
