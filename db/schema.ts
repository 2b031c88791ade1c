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
 * Proof of every cookie-consent decision (consent, refusal, withdrawal, GPC), append-only (triggers refuse DELETE and
 * every UPDATE but an erasure's anonymisation) and chained: `record_hash` covers the record and the previous record's hash.
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
    /**
     * Set when an erasure request anonymised the record: its consent id is replaced by `erased` (the only change the
     * triggers allow), so it no longer names anyone; its chain link is still checked, its field hash no longer can be.
     */
    erasedAt: integer('erased_at'),
    /**
     * How `record_hash` is computed: 1 over every field with the consent id; 2 over the non-personal fields and
     * `consent_commitment`, so an erased record's remaining fields stay checkable (src/lib/consent-hash.ts).
     */
    hashVersion: integer('hash_version').notNull().default(1),
    /** Format 2: the random salt of the commitment; an erasure removes it with the consent id. */
    consentSalt: text('consent_salt'),
    /** Format 2: SHA-256 of the salt and the consent id; kept after erasure, it links to nobody without the salt. */
    consentCommitment: text('consent_commitment'),
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
    /** The address in its lookup form (`marketingLookupKey`); null only until the start-up backfill filled it. */
    addressKey: text('address_key'),
    locale: text('locale').notNull(),
    consentId: text('consent_id'),
    /** SHA-256 of the single-use confirmation token; null once used or for channels without confirmation. */
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: integer('confirm_expires_at'),
    createdAt: integer('created_at').notNull(),
    /** Set when an erasure request anonymised the subscription: the address is replaced by `erased`. */
    erasedAt: integer('erased_at'),
  },
  (table) => [
    index('marketing_subscriptions_address').on(table.channel, table.address),
    uniqueIndex('marketing_subscriptions_token').on(table.confirmTokenHash),
    index('marketing_subscriptions_address_key').on(table.channel, table.addressKey),
    index('marketing_subscriptions_consent_id').on(table.consentId),
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
    via: text('via', { enum: ['preferences', 'confirmation-link', 'confirmation-code', 'unsubscribe-link', 'list-unsubscribe', 'objection'] }).notNull(),
    policyVersion: integer('policy_version').notNull(),
    /** The exact sentence the person saw when they acted. */
    wording: text('wording').notNull(),
  },
  (table) => [index('marketing_events_subscription').on(table.subscriptionId, table.id)],
);

/**
 * A data-subject request as the requester submitted it, with where it stands now. What happened to it is in
 * `request_events`; `status`, the deadline and the extension here follow from those events, updated in the same
 * transaction. Both tokens are stored as SHA-256 hashes only.
 */
export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reference: text('reference').notNull(),
    type: text('type', { enum: ['access', 'rectification', 'erasure', 'portability', 'restriction', 'objection'] }).notNull(),
    locale: text('locale').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    /** The address in its lookup form (`emailLookupKey`); null only until the start-up backfill filled it. */
    emailKey: text('email_key'),
    customerReference: text('customer_reference'),
    /** A phone number the requester gave (optional): an identifier for the systems, passed on only once the DPO verified the identity. */
    phone: text('phone'),
    /** The consent id the requester named (typed, or their browser's cookie); it links records only once proven. */
    consentId: text('consent_id'),
    /**
     * How the consent id was proven to be the requester's: `browser` when the browser that sent the request carried
     * it in its own consent cookie, `dpo` when the DPO checked and linked it on the request page (an audit event).
     * Null: the id was only typed or given to the API, and links nothing.
     */
    consentIdLinkedBy: text('consent_id_linked_by', { enum: ['browser', 'dpo'] }),
    details: text('details'),
    inaccurateData: text('inaccurate_data'),
    correctData: text('correct_data'),
    scope: text('scope'),
    grounds: text('grounds'),
    format: text('format'),
    status: text('status', { enum: ['received', 'verified', 'in-progress', 'waiting', 'completed', 'rejected'] }).notNull(),
    receivedAt: integer('received_at').notNull(),
    /** The calendar date the answer is due, in the organisation's time zone (extension included). */
    dueOn: text('due_on').notNull(),
    /** The end of that day, epoch ms: what the inbox sorts by. */
    dueAt: integer('due_at').notNull(),
    extensionDays: integer('extension_days'),
    extensionReason: text('extension_reason'),
    verifiedAt: integer('verified_at'),
    closedAt: integer('closed_at'),
    /** The DPO's answer (completion) or reason (rejection), as sent to the requester. */
    outcome: text('outcome'),
    statusTokenHash: text('status_token_hash').notNull(),
    /** The single-use email verification token; null once used. */
    verifyTokenHash: text('verify_token_hash'),
    verifyExpiresAt: integer('verify_expires_at'),
    /**
     * Set when the retention period after closing ran out: the requester's details and every free text are gone, the
     * status-page token no longer opens anything; reference, type, dates and deadline facts stay as proof of the answer.
     */
    anonymisedAt: integer('anonymised_at'),
    /** The DPO account working on the request (an `assigned` event in the trail each time it changes); null: anyone. */
    assignedTo: integer('assigned_to').references(() => dpoUsers.id),
    /**
     * The requester's name as the DPO's search compares it (`nameSearchKey`: case, accents and final sigma folded),
     * so `ελενη γεωργιου` finds `Ελένη Γεωργίου` on SQLite too; cleared with the name.
     */
    nameKey: text('name_key'),
  },
  (table) => [
    uniqueIndex('requests_reference').on(table.reference),
    uniqueIndex('requests_status_token').on(table.statusTokenHash),
    uniqueIndex('requests_verify_token').on(table.verifyTokenHash),
    index('requests_due').on(table.status, table.dueAt),
    // The inbox counts requests answered after their deadline from this index alone (no row lookups).
    index('requests_answered').on(table.status, table.closedAt, table.dueAt, table.extensionDays),
    index('requests_assigned').on(table.assignedTo, table.status),
    index('requests_email').on(table.email),
    index('requests_consent_id').on(table.consentId),
    // The DPO's consent lookup, erasure and the subject export find a person's requests by the address's lookup form.
    index('requests_email_key').on(table.emailKey),
  ],
);

/** The audit trail of a request: who did what, when. Append-only (triggers refuse UPDATE and DELETE). */
export const requestEvents = sqliteTable(
  'request_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    occurredAt: integer('occurred_at').notNull(),
    /** `requester`, `system`, or `dpo:<email>`. */
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    /** JSON: the reason, method, days, message or counts of the event; never a copy of the subject's data. */
    detail: text('detail'),
    /**
     * Set when retention anonymised the request: the free texts of `detail` (notes, reasons, messages) are removed, the
     * only change the triggers allow, and only for an anonymised request.
     */
    redactedAt: integer('redacted_at'),
  },
  (table) => [index('request_events_request').on(table.requestId, table.id)],
);

/**
 * The JSON export handed to the requester when an access or portability request is completed: a snapshot of what
 * the portal held then, downloadable from the status page until `expires_at`.
 */
export const requestExports = sqliteTable(
  'request_exports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    content: text('content').notNull(),
    contentHash: text('content_hash').notNull(),
    /**
     * The package the requester downloads (a zip: data.json, the readable HTML document, CSV per table for
     * portability, the DPO's files), base64; null on exports made before packages existed (their JSON is `content`).
     */
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
export const requestTasks = sqliteTable(
  'request_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
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
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Attempts made so far (each one an event); the runner gives up after the configured number. */
    attempts: integer('attempts').notNull().default(0),
    /** When the runner may take it next (epoch ms); null: nothing to run (waiting for a person or for the erasure). */
    nextAttemptAt: integer('next_attempt_at'),
    /** While running: until when the instance that claimed it holds it; another may take it over after that. */
    leaseUntil: integer('lease_until'),
    /** JSON `{ code, detail? }` of the last failure: what the DPO reads, in their language, from `code`. */
    error: text('error'),
    /** JSON: the tables collected, the rows erased per statement, or the owner's note; personal data, erased with the request's subject. */
    result: text('result'),
    /** The hash of the single-use token a webhook's callback or the owner's task page presents; null when none is out. */
    tokenHash: text('token_hash'),
    tokenExpiresAt: integer('token_expires_at'),
    /** Why the DPO marked it not applicable. */
    reason: text('reason'),
    closedAt: integer('closed_at'),
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
export const requestFiles = sqliteTable(
  'request_files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestId: integer('request_id')
      .notNull()
      .references(() => requests.id),
    taskId: integer('task_id').references(() => requestTasks.id),
    origin: text('origin', { enum: ['owner', 'webhook', 'dpo', 'requester'] }).notNull(),
    name: text('name').notNull(),
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    contentBase64: text('content_base64').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('request_files_request').on(table.requestId, table.id)],
);

/**
 * A DPO who signs in to the inbox. Made only from the command line (`npm run dpo:create-user`); no default account.
 * The password is an scrypt hash; the TOTP secret (when the second factor is on) is encrypted with the portal secret,
 * because a code can only be checked against the secret itself.
 */
export const dpoUsers = sqliteTable(
  'dpo_users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    totpSecret: text('totp_secret'),
    /** The last TOTP time step used, so a code works once. */
    totpLastStep: integer('totp_last_step'),
    /** The language the DPO reads the inbox in. */
    locale: text('locale').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Set by `npm run dpo:users -- disable`: the account can no longer sign in; its sessions were ended. */
    disabledAt: integer('disabled_at'),
  },
  (table) => [uniqueIndex('dpo_users_email').on(table.email)],
);

/** A signed-in DPO: the cookie holds a random token, the database only its hash; idle and absolute expiry. */
export const dpoSessions = sqliteTable(
  'dpo_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => dpoUsers.id),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [uniqueIndex('dpo_sessions_token').on(table.tokenHash)],
);

/**
 * Where the consent chain starts after retention removed its oldest records: the last removed record's id and hash,
 * which the first remaining record must name as its previous hash. Append-only; a checkpoint must name the hash of
 * the record it ends on, and only records up to a checkpoint may be deleted (triggers).
 */
export const consentRetentionCheckpoints = sqliteTable('consent_retention_checkpoints', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  upToId: integer('up_to_id').notNull(),
  lastDeletedHash: text('last_deleted_hash').notNull(),
  deletedCount: integer('deleted_count').notNull(),
  occurredAt: integer('occurred_at').notNull(),
});

/**
 * What the portal itself did outside any one request (a retention run, a DPO account command), append-only: who,
 * when, what, and counts in `detail` (JSON), never a subject's personal data (an account command names the account).
 */
export const auditEvents = sqliteTable('audit_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  occurredAt: integer('occurred_at').notNull(),
  /** `system:retention`, `dpo:<email>`, or the operator of an account command: `cli:<os user>` (`system:cli`). */
  actor: text('actor').notNull(),
  kind: text('kind').notNull(),
  detail: text('detail'),
});

/**
 * Attempts counted per flood key and window, shared by every instance of the portal on PostgreSQL (flood limits, the
 * DPO sign-in throttle; see src/lib/flood-counters.repo.ts). The key is a keyed hash (HMAC with the portal secret) of
 * what is counted and the limit's name, never an address or an email. A row whose `expires_at` has passed counts as
 * zero and may be deleted at any time. The SQLite store counts in memory (one process by design) and leaves it empty.
 */
export const floodCounters = sqliteTable(
  'flood_counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    /** Epoch ms when the window ends: the count starts again from zero at that instant. */
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('flood_counters_expires_at').on(table.expiresAt)],
);
