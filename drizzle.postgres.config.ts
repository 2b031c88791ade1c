import { defineConfig } from 'drizzle-kit';

/** drizzle-kit for the PostgreSQL store: `npx drizzle-kit generate --config drizzle.postgres.config.ts`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/postgres/schema.ts',
  out: './db/postgres/migrations',
});
