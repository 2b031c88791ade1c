import { desc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/connection.ts';
import { auditEvents } from '../../db/schema.ts';

export type AuditEventRow = typeof auditEvents.$inferSelect;

/** Appends an event to the portal's own audit trail (inside the caller's transaction); detail holds no personal data. */
export function recordAuditEvent(tx: Queryable, event: { actor: string; kind: string; occurredAt: number; detail: Record<string, unknown> }): AuditEventRow {
  return tx.insert(auditEvents).values({ ...event, detail: JSON.stringify(event.detail) }).returning().get();
}

/** The latest events of one kind, newest first. */
export function latestAuditEvents(db: Queryable, kind: string, limit = 20): AuditEventRow[] {
  return db.select().from(auditEvents).where(eq(auditEvents.kind, kind)).orderBy(desc(auditEvents.id)).limit(limit).all();
}
