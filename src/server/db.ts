import { openDatabase, type PortalDatabase } from '../../db/connection.ts';
import { getEnvironment } from './environment.ts';

let database: PortalDatabase | undefined;

/**
 * The portal's database, opened on first use. It is migrated by `npm run db:migrate` (a release step, run before
 * `npm start` and `npm run dev`), never by a serving process; /readyz says whether it is current.
 */
export function getDatabase(): PortalDatabase {
  database ??= openDatabase(getEnvironment().DATABASE_PATH);
  return database;
}
