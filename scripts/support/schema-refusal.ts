// Why a database must not be used as it is: what `npm run db:migrate` and `npm start` both refuse, before anything is
// written or served.

/**
 * The refusal when the database's tables, indexes, triggers or views are not exactly what its migrations create (an
 * append-only trigger dropped or changed, or one added); undefined when they are. `differences` as `schemaChanges`
 * (db/store-status.ts) or `schemaDifferences` give them.
 */
export function changedSchemaRefusal(differences: readonly string[], database: string, when: string): string | undefined {
  if (differences.length === 0) return undefined;
  return (
    `the database at ${database} is not as its migrations make it (${when}): ${differences.join('; ')}. ` +
    'Its records cannot be trusted to be append-only: find out who changed it, then restore a backup (npm run db:restore, or your PostgreSQL backup) or put the objects back as the migrations create them.'
  );
}
