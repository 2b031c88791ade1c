import type * as tables from './schema.ts';

// The rows the portal reads, one type per table, beside the schema they come from. Typed from the SQLite description,
// as db/tables.ts types both stores: the PostgreSQL twin has the same JavaScript types (test/db-pg/schema-parity.test.ts).

/** A policy text as published in the database: document, version, locale and the hash of its exact text. */
export type PolicyVersionRow = typeof tables.policyVersions.$inferSelect;
/** One cookie decision in the append-only consent chain. */
export type ConsentRecord = typeof tables.consentRecords.$inferSelect;
export type MarketingSubscription = typeof tables.marketingSubscriptions.$inferSelect;
export type MarketingEvent = typeof tables.marketingEvents.$inferSelect;
/** A data-subject request. */
export type RequestRow = typeof tables.requests.$inferSelect;
/** How a request's consent id was proven to be the requester's (null on the row: only typed, it links nothing). */
export type ConsentIdProof = NonNullable<RequestRow['consentIdLinkedBy']>;
/** One entry of a request's audit trail. */
export type RequestEventRow = typeof tables.requestEvents.$inferSelect;
export type RequestExportRow = typeof tables.requestExports.$inferSelect;
export type DpoUser = typeof tables.dpoUsers.$inferSelect;
export type DpoSessionRow = typeof tables.dpoSessions.$inferSelect;
export type AuditEventRow = typeof tables.auditEvents.$inferSelect;
/** One system's share of a request (src/lib/systems/tasks.ts). */
export type RequestTaskRow = typeof tables.requestTasks.$inferSelect;
/** A file of a request: an owner's upload, a webhook's answer, the DPO's attachment. */
export type RequestFileRow = typeof tables.requestFiles.$inferSelect;
