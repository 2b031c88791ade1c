import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { latestAuditEvents } from '../../src/lib/audit.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { applyRetention } from '../../src/lib/retention.repo.ts';
import { createRequest, exportOf, takeAction } from '../../src/lib/requests.repo.ts';
import { expiredExportRenewableMs, exportLifetimeMs, requestSubmissionSchema } from '../../src/lib/requests.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';

// Issue 13: an export past its expiry (request_exports.expires_at) holds the person's data for nothing: retention
// deletes it and counts it in its audit event; 30 days after its expiry, so that the DPO can renew it for a requester
// who asks after the 7 days (issue 15).
let store: TestStore;
let db: Executor;
beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

const completedAt = Date.parse('2026-11-20T10:00:00Z');
const dpo = 'dpo:eleni@ostria.example';

async function answeredAccess(at: number) {
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'el', name: 'Μαρία', email: 'maria@example.gr', declaration: true });
  const row = await createRequest(store, {
    submission,
    now: at,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, row.reference, { action: 'verify', method: 'email-link' }, 'requester', at + 1)).ok).toBe(true);
  expect((await takeAction(store, row.reference, { action: 'start' }, dpo, at + 2)).ok).toBe(true);
  expect(
    (await takeAction(store, row.reference, { action: 'complete', message: 'Έτοιμο', exportContent: async () => '{"phone":"+306900000000"}' }, dpo, at + 3)).ok,
  ).toBe(true);
  return row;
}

describe('retention of exports', () => {
  test('keeps an expired export for 30 days, for the DPO to renew', async () => {
    const old = await answeredAccess(completedAt);
    await applyRetention(store, {
      now: completedAt + exportLifetimeMs + expiredExportRenewableMs - 10,
      timeZone: 'Europe/Athens',
      retention: { consentRecordsMonths: 36, closedRequestsMonths: 36 },
    });
    expect(await exportOf(db, old.id)).toBeDefined();
  });

  test('deletes an export 30 days past its expiry of a request still within its period, keeps a fresh one, and counts it', async () => {
    const old = await answeredAccess(completedAt);
    const fresh = await answeredAccess(completedAt + exportLifetimeMs + expiredExportRenewableMs);
    const report = await applyRetention(store, {
      now: completedAt + exportLifetimeMs + expiredExportRenewableMs + 10,
      timeZone: 'Europe/Athens',
      retention: { consentRecordsMonths: 36, closedRequestsMonths: 36 },
    });
    expect(await exportOf(db, old.id)).toBeUndefined();
    expect(await exportOf(db, fresh.id)).toBeDefined();
    const [event] = await latestAuditEvents(db, 'retention-applied');
    expect(event?.id).toBe(report.auditEventId);
    expect(JSON.parse(event?.detail ?? '{}')).toMatchObject({ expiredExports: { deleted: 1 } });
  });
});
