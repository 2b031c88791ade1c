// The PostgreSQL twin of db/schema.ts: the same tables, column names, TypeScript property names and row types, the
// same indexes. SQLite's 64-bit integers become `bigint` read as JavaScript numbers (ids, epoch-ms times, counts),
// its boolean integers `boolean`; JSON stays in `text` as it does there. The append-only triggers are PL/pgSQL in
// the hand-written migration beside the generated one (db/postgres/migrations). test/db-pg/schema-parity.test.ts
// keeps the two descriptions from drifting apart.
import { bigint, boolean, customType, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The advisory lock key every write to the consent chain takes on PostgreSQL, its single serialisation point across
 * all portal instances (SQLite needs none: it has one writer). How an append must use it:
 *
 * 1. Open a transaction at READ COMMITTED (PostgreSQL's default; at REPEATABLE READ or SERIALIZABLE the snapshot is
 *    taken by the first statement, before the lock is granted, and the head read below would miss the previous
 *    holder's records: a fork).
 * 2. As its first statement, `select pg_advisory_xact_lock(${consentChainLockKey})`. It waits for any other
 *    instance's append and is released by that transaction's commit or rollback, never by hand.
 * 3. Only then read the head (the newest record's `record_hash`, else the latest checkpoint's `last_deleted_hash`, else
 *    the genesis hash), hash the batch onto it and insert it, in order, in the same transaction.
 * 4. Commit, and answer each decision of the batch only after the commit returned.
 *
 * Identity values are drawn inside the lock, so `id` order is chain order. Retention's checkpoint and delete of the
 * oldest records take the same lock (they move where the chain starts). Readers (verification, lookups) need none.
 */
export const consentChainLockKey = 0x706f7274_0002;

/**
 * An instant kept as epoch milliseconds in a `bigint` and read as a `Date`: the PostgreSQL form of SQLite's
 * `integer(…, { mode: 'timestamp_ms' })`, so both stores hold the same number and hand out the same type.
 */
const epochMillisecondsDate = customType<{ data: Date; driverData: number | string }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  fromDriver: (value) => new Date(Number(value)),
});

/** An id or a count: 64-bit like SQLite's integers, read as a JavaScript number (exact up to 2^53). */
const int64 = (name: string) => bigint(name, { mode: 'number' });

/** A primary key drawn from an identity sequence; an explicit id may still be given, as SQLite's AUTOINCREMENT allows. */
const identity = () => int64('id').primaryKey().generatedByDefaultAsIdentity();

/** Every policy text the portal has published (see db/schema.ts). */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: identity(),
    document: text('document').notNull(),
    version: integer('version').notNull(),
    locale: text('locale').notNull(),
    effectiveOn: text('effective_on').notNull(),
    title: text('title').notNull(),
    textHash: text('text_hash').notNull(),
    recordedAt: epochMillisecondsDate('recorded_at').notNull(),
  },
  (table) => [uniqueIndex('policy_versions_document_version_locale').on(table.document, table.version, table.locale)],
);

/** Proof of every cookie-consent decision, append-only and chained (see db/schema.ts and `consentChainLockKey`). */
export const consentRecords = pgTable(
  'consent_records',
  {
    id: identity(),
    consentId: text('consent_id').notNull(),
    siteId: text('site_id').notNull(),
    origin: text('origin').notNull(),
    recordedAt: int64('recorded_at').notNull(),
    action: text('action', { enum: ['accept-all', 'reject-all', 'custom', 'withdraw', 'gpc'] }).notNull(),
    source: text('source', { enum: ['banner', 'preferences', 'gpc', 'api'] }).notNull(),
    preferences: boolean('preferences').notNull(),
    analytics: boolean('analytics').notNull(),
    marketing: boolean('marketing').notNull(),
    locale: text('locale').notNull(),
    policyDocument: text('policy_document').notNull(),
    policyVersion: integer('policy_version').notNull(),
    textHash: text('text_hash').notNull(),
    bannerVersion: text('banner_version').notNull(),
    revision: text('revision').notNull(),
    expiresAt: int64('expires_at').notNull(),
    gpcSignal: boolean('gpc_signal').notNull(),
    previousHash: text('previous_hash').notNull(),
    recordHash: text('record_hash').notNull(),
    erasedAt: int64('erased_at'),
    hashVersion: integer('hash_version').notNull().default(1),
    consentSalt: text('consent_salt'),
    consentCommitment: text('consent_commitment'),
  },
  (table) => [index('consent_records_consent_id').on(table.consentId, table.id)],
);

/** One marketing opt-in (see db/schema.ts). */
export const marketingSubscriptions = pgTable(
  'marketing_subscriptions',
  {
    id: identity(),
    channel: text('channel', { enum: ['email', 'sms', 'phone'] }).notNull(),
    address: text('address').notNull(),
    addressKey: text('address_key'),
    locale: text('locale').notNull(),
    consentId: text('consent_id'),
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: int64('confirm_expires_at'),
    createdAt: int64('created_at').notNull(),
    erasedAt: int64('erased_at'),
  },
  (table) => [
    index('marketing_subscriptions_address').on(table.channel, table.address),
    uniqueIndex('marketing_subscriptions_token').on(table.confirmTokenHash),
    index('marketing_subscriptions_address_key').on(table.channel, table.addressKey),
    index('marketing_subscriptions_consent_id').on(table.consentId),
  ],
);

/** Request, confirmation and withdrawal of a marketing opt-in, append-only. */
export const marketingEvents = pgTable(
  'marketing_events',
  {
    id: identity(),
    subscriptionId: int64('subscription_id')
      .notNull()
      .references(() => marketingSubscriptions.id),
    event: text('event', { enum: ['requested', 'confirmed', 'withdrawn'] }).notNull(),
    occurredAt: int64('occurred_at').notNull(),
    via: text('via', { enum: ['preferences', 'confirmation-link', 'confirmation-code', 'unsubscribe-link', 'list-unsubscribe', 'objection'] }).notNull(),
    policyVersion: integer('policy_version').notNull(),
    wording: text('wording').notNull(),
  },
  (table) => [index('marketing_events_subscription').on(table.subscriptionId, table.id)],
);

/** A data-subject request and where it stands now (see db/schema.ts). */
export const requests = pgTable(
  'requests',
  {
    id: identity(),
    reference: text('reference').notNull(),
    type: text('type', { enum: ['access', 'rectification', 'erasure', 'portability', 'restriction', 'objection'] }).notNull(),
    locale: text('locale').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    emailKey: text('email_key'),
    customerReference: text('customer_reference'),
    /** A phone number the requester gave (optional): an identifier for the systems, passed on only once the DPO verified the identity. */
    phone: text('phone'),
    consentId: text('consent_id'),
    consentIdLinkedBy: text('consent_id_linked_by', { enum: ['browser', 'dpo'] }),
    details: text('details'),
    inaccurateData: text('inaccurate_data'),
    correctData: text('correct_data'),
    scope: text('scope'),
    grounds: text('grounds'),
    format: text('format'),
    status: text('status', { enum: ['received', 'verified', 'in-progress', 'waiting', 'completed', 'rejected'] }).notNull(),
    receivedAt: int64('received_at').notNull(),
    dueOn: text('due_on').notNull(),
    dueAt: int64('due_at').notNull(),
    extensionDays: integer('extension_days'),
    extensionReason: text('extension_reason'),
    verifiedAt: int64('verified_at'),
    closedAt: int64('closed_at'),
    outcome: text('outcome'),
    statusTokenHash: text('status_token_hash').notNull(),
    verifyTokenHash: text('verify_token_hash'),
    verifyExpiresAt: int64('verify_expires_at'),
    anonymisedAt: int64('anonymised_at'),
    assignedTo: int64('assigned_to').references(() => dpoUsers.id),
    nameKey: text('name_key'),
  },
  (table) => [
    uniqueIndex('requests_reference').on(table.reference),
    uniqueIndex('requests_status_token').on(table.statusTokenHash),
    uniqueIndex('requests_verify_token').on(table.verifyTokenHash),
    index('requests_due').on(table.status, table.dueAt),
    index('requests_answered').on(table.status, table.closedAt, table.dueAt, table.extensionDays),
    index('requests_assigned').on(table.assignedTo, table.status),
    index('requests_email').on(table.email),
    index('requests_consent_id').on(table.consentId),
    index('requests_email_key').on(table.emailKey),
  ],
);

/** The audit trail of a request, append-only but for retention's redaction (see db/schema.ts). */
export const requestEvents = pgTable(
  'request_events',
  {
    id: identity(),
    requestId: int64('request_id')
      .notNull()
      .references(() => requests.id),
    occurredAt: int64('occurred_at').notNull(),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    detail: text('detail'),
    redactedAt: int64('redacted_at'),
  },
  (table) => [index('request_events_request').on(table.requestId, table.id)],
);

/** The JSON export of a completed access or portability request. */
export const requestExports = pgTable(
  'request_exports',
  {
    id: identity(),
    requestId: int64('request_id')
      .notNull()
      .references(() => requests.id),
    createdAt: int64('created_at').notNull(),
    expiresAt: int64('expires_at').notNull(),
    content: text('content').notNull(),
    contentHash: text('content_hash').notNull(),
    packageBase64: text('package_base64'),
  },
  (table) => [uniqueIndex('request_exports_request').on(table.requestId)],
);

/**
 * One system's share of a request (src/lib/systems): collecting the person's data from it, erasing there, forwarding
 * the requester's text to its owner, or notifying a recipient (Art. 19). Created when the DPO starts the request (one
 * per relevant system of content/systems.json, and per processor for an erasure). The row holds the task's current
 * state; every change is also an event in `request_events`, which stays the audit trail.
 */
export const requestTasks = pgTable(
  'request_tasks',
  {
    id: identity(),
    requestId: int64('request_id')
      .notNull()
      .references(() => requests.id),
    /** The system's id in content/systems.json, or `recipient:<id>` for a processor of content/organisation.json. */
    system: text('system').notNull(),
    action: text('action', { enum: ['collect', 'erase', 'restrict', 'forward', 'notify'] }).notNull(),
    /** How the task is carried out: the system's kind (`sql`, `webhook`, `manual`), or `email` to a recipient. */
    channel: text('channel', { enum: ['sql', 'webhook', 'manual', 'email'] }).notNull(),
    status: text('status', { enum: ['pending', 'running', 'done', 'failed', 'not-applicable'] }).notNull(),
    /** The calendar date the task is due, before the request's own due date. */
    dueOn: text('due_on').notNull(),
    createdAt: int64('created_at').notNull(),
    updatedAt: int64('updated_at').notNull(),
    /** Attempts made so far (each one an event); the runner gives up after the configured number. */
    attempts: integer('attempts').notNull().default(0),
    /** When the runner may take it next (epoch ms); null: nothing to run (waiting for a person or for the erasure). */
    nextAttemptAt: int64('next_attempt_at'),
    /** While running: until when the instance that claimed it holds it; another may take it over after that. */
    leaseUntil: int64('lease_until'),
    /** JSON `{ code, detail? }` of the last failure: what the DPO reads, in their language, from `code`. */
    error: text('error'),
    /** JSON: the tables collected, the rows erased per statement, or the owner's note; personal data, erased with the request's subject. */
    result: text('result'),
    /** The hash of the single-use token a webhook's callback or the owner's task page presents; null when none is out. */
    tokenHash: text('token_hash'),
    tokenExpiresAt: int64('token_expires_at'),
    /** Why the DPO marked it not applicable. */
    reason: text('reason'),
    closedAt: int64('closed_at'),
  },
  (table) => [
    index('request_tasks_request').on(table.requestId, table.id),
    index('request_tasks_due').on(table.status, table.nextAttemptAt),
    uniqueIndex('request_tasks_token').on(table.tokenHash),
  ],
);

/**
 * A file that belongs to a request: uploaded by a system's owner on their task page, returned by a webhook, or
 * attached by the DPO for the requester's package. Kept in the database (base64) so every instance serves it.
 */
export const requestFiles = pgTable(
  'request_files',
  {
    id: identity(),
    requestId: int64('request_id')
      .notNull()
      .references(() => requests.id),
    taskId: int64('task_id').references(() => requestTasks.id),
    origin: text('origin', { enum: ['owner', 'webhook', 'dpo', 'requester'] }).notNull(),
    name: text('name').notNull(),
    mediaType: text('media_type').notNull(),
    size: int64('size').notNull(),
    sha256: text('sha256').notNull(),
    contentBase64: text('content_base64').notNull(),
    createdAt: int64('created_at').notNull(),
  },
  (table) => [index('request_files_request').on(table.requestId, table.id)],
);

/** A DPO who signs in to the inbox (see db/schema.ts). */
export const dpoUsers = pgTable(
  'dpo_users',
  {
    id: identity(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    totpSecret: text('totp_secret'),
    totpLastStep: int64('totp_last_step'),
    locale: text('locale').notNull(),
    createdAt: int64('created_at').notNull(),
    disabledAt: int64('disabled_at'),
  },
  (table) => [uniqueIndex('dpo_users_email').on(table.email)],
);

/** A signed-in DPO's session, its token stored as a hash. */
export const dpoSessions = pgTable(
  'dpo_sessions',
  {
    id: identity(),
    userId: int64('user_id')
      .notNull()
      .references(() => dpoUsers.id),
    tokenHash: text('token_hash').notNull(),
    createdAt: int64('created_at').notNull(),
    lastSeenAt: int64('last_seen_at').notNull(),
    expiresAt: int64('expires_at').notNull(),
  },
  (table) => [uniqueIndex('dpo_sessions_token').on(table.tokenHash)],
);

/** Where the consent chain starts after retention removed its oldest records, append-only (see db/schema.ts). */
export const consentRetentionCheckpoints = pgTable('consent_retention_checkpoints', {
  id: identity(),
  upToId: int64('up_to_id').notNull(),
  lastDeletedHash: text('last_deleted_hash').notNull(),
  deletedCount: int64('deleted_count').notNull(),
  occurredAt: int64('occurred_at').notNull(),
});

/** What the portal itself did outside any one request, append-only (see db/schema.ts). */
export const auditEvents = pgTable('audit_events', {
  id: identity(),
  occurredAt: int64('occurred_at').notNull(),
  actor: text('actor').notNull(),
  kind: text('kind').notNull(),
  detail: text('detail'),
});

/** Attempts counted per flood key and window, shared by every instance (see db/schema.ts). */
export const floodCounters = pgTable(
  'flood_counters',
  {
    key: text('key').primaryKey(),
    count: int64('count').notNull(),
    expiresAt: int64('expires_at').notNull(),
  },
  (table) => [index('flood_counters_expires_at').on(table.expiresAt)],
);
