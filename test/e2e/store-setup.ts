// Runs before each e2e-postgres test file is imported: db/tables.ts picks PostgreSQL's tables when DATABASE_URL is set
// as it is first imported, so the repositories a test calls query the shared portal's PostgreSQL database. Imports
// nothing of the portal's, so that nothing has picked its tables yet.
import { inject } from 'vitest';

const sharedDatabase = inject('storeEnv').DATABASE_URL;
if (!sharedDatabase) throw new Error('the e2e-postgres run names no PostgreSQL database for its shared portal (test/e2e/global-setup.ts)');
process.env.DATABASE_URL = sharedDatabase;
