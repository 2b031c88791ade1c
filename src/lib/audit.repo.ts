import { desc, eq } from 'drizzle-orm';
import { auditEvents } from '../../db/tables.ts';
import { onlyRow, type Executor, type Transaction } from '../../db/store.ts';
import type { AuditEventRow } from '../../db/rows.ts';

/** Appends an event to the portal's own audit trail (inside the caller's transaction); detail holds no personal data. */
export async function recordAuditEvent(
  tx: Transaction,
  event: { actor: string; kind: string; occurredAt: number; detail: Record<string, unknown> },
): Promise<AuditEventRow> {
  return onlyRow(
    await tx
      .insert(auditEvents)
      .values({ ...event, detail: JSON.stringify(event.detail) })
      .returning(),
  );
}

/** The latest events of one kind, newest first. */
export async function latestAuditEvents(db: Executor, kind: string, limit = 20): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(eq(auditEvents.kind, kind)).orderBy(desc(auditEvents.id)).limit(limit);
}
