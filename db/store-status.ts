// Whether a store's database is fit to serve, whichever store it is: what `npm start`, `npm run db:migrate` and /readyz
// ask before they serve or write.
import { migrationDifferences } from './postgres/connection.ts';
import { postgresSchemaDifferences } from './postgres/schema-check.ts';
import type { PostgresStore } from './postgres/store.ts';
import { migrationProblem, migrationState } from './migration-state.ts';
import { schemaDifferences } from './schema-check.ts';
import type { SqliteStore, Store } from './store.ts';

/**
 * Why the database is not current (its migrations differ from this version's), for an operator: it names the command
 * that fixes it. Undefined when it is current.
 */
export async function migrationsProblem(store: Store, folder?: string): Promise<string | undefined> {
  if (store.dialect === 'sqlite') {
    const { handle } = store as SqliteStore;
    // In the store's turn: the migrations table is read on the connection every request shares.
    return store.read(() => migrationProblem(migrationState(handle.$client, folder)));
  }
  const differences = await migrationDifferences((store as PostgresStore).handle, folder);
  if (differences.length === 0) return undefined;
  const newer = differences.some((line) => line.includes('this version does not have'));
  return `${differences.join('; ')}: ${newer ? 'run that version, or restore a backup made for this one' : 'run npm run db:migrate'}`;
}

/**
 * How the database's tables, indexes, triggers (and on SQLite views) differ from what its migrations create, one line
 * each; empty when they are exactly theirs. A difference means its records cannot be trusted to be append-only.
 */
export async function schemaChanges(store: Store, folder?: string): Promise<string[]> {
  if (store.dialect === 'sqlite') {
    const { handle } = store as SqliteStore;
    return store.read(() => schemaDifferences(handle.$client, folder));
  }
  return postgresSchemaDifferences((store as PostgresStore).handle, folder);
}
