import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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

/**
 * Proof of every cookie-consent decision (consent, refusal, withdrawal, GPC), append-only (triggers refuse UPDATE
 * and DELETE) and chained: `record_hash` covers the record and the previous record's hash.
 * No IP address and no user agent are kept.
 */
export const consentRecords = sqliteTable(
  'consent_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    consentId: text('consent_id').notNull(),
    siteId: text('site_id').notNull(),
    origin: text('origin').notNull(),
    recordedAt: integer('recorded_at').notNull(),
    action: text('action', { enum: ['accept-all', 'reject-all', 'custom', 'withdraw', 'gpc'] }).notNull(),
    source: text('source', { enum: ['banner', 'preferences', 'gpc', 'api'] }).notNull(),
    preferences: integer('preferences', { mode: 'boolean' }).notNull(),
    analytics: integer('analytics', { mode: 'boolean' }).notNull(),
    marketing: integer('marketing', { mode: 'boolean' }).notNull(),
    locale: text('locale').notNull(),
    policyDocument: text('policy_document').notNull(),
    policyVersion: integer('policy_version').notNull(),
    /** SHA-256 of the policy text and the banner strings the visitor saw. */
    textHash: text('text_hash').notNull(),
    bannerVersion: text('banner_version').notNull(),
    revision: text('revision').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** The browser sent Sec-GPC: 1 or navigator.globalPrivacyControl was true. */
    gpcSignal: integer('gpc_signal', { mode: 'boolean' }).notNull(),
    previousHash: text('previous_hash').notNull(),
    recordHash: text('record_hash').notNull(),
  },
  (table) => [index('consent_records_consent_id').on(table.consentId, table.id)],
);

/** One marketing opt-in: a channel and an address, with its confirmation token while it awaits confirmation. */
export const marketingSubscriptions = sqliteTable(
  'marketing_subscriptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel', { enum: ['email', 'sms', 'phone'] }).notNull(),
    address: text('address').notNull(),
    locale: text('locale').notNull(),
    consentId: text('consent_id'),
    /** SHA-256 of the single-use confirmation token; null once used or for channels without confirmation. */
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: integer('confirm_expires_at'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    index('marketing_subscriptions_address').on(table.channel, table.address),
    uniqueIndex('marketing_subscriptions_token').on(table.confirmTokenHash),
  ],
);

/** Request, confirmation and withdrawal of a marketing opt-in, append-only, each with the wording shown. */
export const marketingEvents = sqliteTable(
  'marketing_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subscriptionId: integer('subscription_id')
      .notNull()
      .references(() => marketingSubscriptions.id),
    event: text('event', { enum: ['requested', 'confirmed', 'withdrawn'] }).notNull(),
    occurredAt: integer('occurred_at').notNull(),
    via: text('via', { enum: ['preferences', 'confirmation-link', 'unsubscribe-link', 'list-unsubscribe'] }).notNull(),
    policyVersion: integer('policy_version').notNull(),
    /** The exact sentence the person saw when they acted. */
    wording: text('wording').notNull(),
  },
  (table) => [index('marketing_events_subscription').on(table.subscriptionId, table.id)],
);
