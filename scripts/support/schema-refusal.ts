// Why a database must not be used as it is: what `npm run db:migrate` and `npm start` both refuse, before anything is
// written or served.
import type Database from 'better-sqlite3';
import { schemaDifferences } from '../../db/schema-check.ts';

/**
 * The refusal when the database's tables, indexes, triggers or views are not exactly what its migrations create (an
 * append-only trigger dropped or changed, or one added); undefined when they are.
 */
export function changedSchemaRefusal(client: Database.Database, path: string, folder: string, when: string): string | undefined {
  const differences = schemaDifferences(client, folder);
  if (differences.length === 0) return undefined;
  return (
    `the database at ${path} is not as its migrations make it (${when}): ${differences.join('; ')}. ` +
    'Its records cannot be trusted to be append-only: find out who changed it, then restore a backup (npm run db:restore) or put the objects back as db/migrations creates them.'
  );
}
