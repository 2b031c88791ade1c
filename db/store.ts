import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { PortalDatabase } from './connection.ts';

/**
 * The drizzle handle repositories query with. Only what drizzle's SQLite and PostgreSQL query builders both offer is
 * used through it (awaited `select`, `insert … returning`, `update`, `delete`, `onConflictDo…`, `sql` templates), so
 * a repository runs unchanged on either store; the SQLite handle's own executing methods are left out.
 */
export type Executor = Omit<PortalDatabase, '$client' | 'transaction' | 'run' | 'all' | 'get' | 'values' | 'batch'>;

declare const inTransaction: unique symbol;
/** An Executor inside a transaction: what a function that writes, or joins its caller's transaction, takes. */
export type Transaction = Executor & { readonly [inTransaction]: true };

export interface ReadOptions {
  /** All reads see one state of the database, even while other processes write (a transaction that writes nothing). */
  snapshot?: boolean;
}

/**
 * The portal's database, whichever store runs it. Every access goes through `read` or `transaction`: one caller at a
 * time on a store with one connection, so a read never sees another flow's uncommitted writes and a write never joins
 * someone else's transaction. A use case opens one of them and passes its handle down; calling either again from
 * inside one is refused (it would wait for itself).
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  read<T>(fn: (db: Executor) => Promise<T> | T, options?: ReadOptions): Promise<T>;
  /** Runs `fn` in one write transaction: committed when it resolves, rolled back (and the error rethrown) when it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T> | T): Promise<T>;
  /** True when the database answers a trivial query. */
  answers(): Promise<boolean>;
  close(): Promise<void>;
}

/** The embedded store: one better-sqlite3 connection, its handle kept for what only SQLite has (migrations, backups). */
export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  /** The raw handle, for start-up, migrations and file-level checks only; queries go through `read`/`transaction`. */
  readonly handle: PortalDatabase;
}

export class NestedStoreAccessError extends Error {
  constructor() {
    super('The store was entered again from inside one of its own reads or transactions: pass the handle down instead.');
    this.name = 'NestedStoreAccessError';
  }
}

/**
 * Tells whether the current async flow is inside one of the store's reads or transactions, so a nested entry is
 * refused on every store alike: on SQLite it would wait for itself; on PostgreSQL it would take a second connection
 * that does not see its caller's uncommitted writes (and, under load, wait for a connection its caller holds).
 */
export function reentryGuard() {
  const inside = new AsyncLocalStorage<{ active: boolean }>();
  return {
    inside: () => inside.getStore()?.active === true,
    async run<T>(fn: () => Promise<T>): Promise<T> {
      const mark = { active: true };
      try {
        return await inside.run(mark, fn);
      } finally {
        mark.active = false;
      }
    },
  };
}

const sqliteClients = new WeakMap<object, Database.Database>();

/**
 * The better-sqlite3 connection behind an Executor of the SQLite store, or undefined on any other store: for the
 * few SQLite-only fast paths (prepared statements of the consent append) kept beside their portable version.
 */
export function sqliteClientOf(db: Executor): Database.Database | undefined {
  return sqliteClients.get(db);
}

/**
 * Wraps an open SQLite handle in a Store. better-sqlite3's own transactions cannot hold an async function, so a
 * transaction is: wait for the store's turn (a promise queue), BEGIN IMMEDIATE, await the function, COMMIT (or
 * ROLLBACK and rethrow), give the turn on. Reads take a turn too.
 */
export function sqliteStore(handle: PortalDatabase): SqliteStore {
  const client = handle.$client;
  sqliteClients.set(handle, client);
  const begin = client.prepare('begin immediate');
  const beginRead = client.prepare('begin deferred');
  const commit = client.prepare('commit');
  const rollback = client.prepare('rollback');
  const guard = reentryGuard();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  /** Runs `fn` when every earlier turn has finished; refused from inside a turn that is still running. */
  const turn = <T>(fn: () => Promise<T>): Promise<T> => {
    if (guard.inside()) return Promise.reject(new NestedStoreAccessError());
    if (closed) return Promise.reject(new Error('The store is closed.'));
    const run = queue.then(() => guard.run(fn));
    queue = run.catch(() => undefined);
    return run;
  };

  const inTransaction = async <T>(start: Database.Statement, fn: () => Promise<T> | T): Promise<T> => {
    start.run();
    try {
      const result = await fn();
      commit.run();
      return result;
    } catch (error) {
      if (client.inTransaction) rollback.run();
      throw error;
    }
  };

  return {
    dialect: 'sqlite',
    handle,
    read: (fn, options) => turn(async () => (options?.snapshot ? inTransaction(beginRead, () => fn(handle)) : fn(handle))),
    transaction: (fn) => turn(() => inTransaction(begin, () => fn(handle as unknown as Transaction))),
    answers: () =>
      turn(async () => {
        try {
          return client.prepare('select 1 as ok').get() !== undefined;
        } catch {
          return false;
        }
      }),
    close: async () => {
      await turn(async () => {
        closed = true;
      }).catch(() => undefined);
      if (client.open) client.close();
    },
  };
}

/** The one row an `insert … returning()` or `update … returning()` of one row gives back. */
export function onlyRow<T>(rows: readonly T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('The statement wrote no row.');
  return row;
}
