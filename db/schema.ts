import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Every policy text the portal has published, one row per document × version × locale, with the hash of its exact
 * text. Consent records name a row of this table; a text whose version is in effect may never change its hash.
 */
export const policyVersions = sqliteTable(
  'policy_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    document: text('document').notNull(),
    version: integer('version').notNull(),
    locale: text('locale').notNull(),
    effectiveOn: text('effective_on').notNull(),
    title: text('title').notNull(),
    textHash: text('text_hash').notNull(),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('policy_versions_document_version_locale').on(table.document, table.version, table.locale)],
);
