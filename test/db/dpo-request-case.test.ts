import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readEnvironment } from '../../src/lib/environment.ts';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { openDpoRequest } from '../../src/server/dpo-request-case.ts';
import { adoptPortal, createPortal, getPortal } from '../../src/server/portal.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

const day = 24 * 60 * 60 * 1000;
const receivedAt = Date.UTC(2026, 2, 2, 10);
let now = receivedAt;
let store: TestStore;

beforeAll(async () => {
  store = await migratedStore();
  // The secret keys the flood counters on PostgreSQL.
  adoptPortal(createPortal(readEnvironment({ PORTAL_SECRET: 'a test secret of at least thirty-two characters' }), { store, clock: () => now }));
});
afterAll(() => store.close());

async function submitted(type: string, fields: Record<string, string> = {}) {
  const submission = requestSubmissionSchema.parse({ locale: 'nl', type, name: 'Jan de Vries', email: `jan.${type}@example.nl`, declaration: true, ...fields });
  return createRequest(store, {
    submission,
    now: receivedAt,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => hashToken(newToken().token),
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: null,
  });
}

describe('openDpoRequest()', () => {
  test('is the portal the process adopted, built once', () => {
    expect(getPortal().store).toBe(store);
  });

  test('opens nothing for an unknown or malformed reference', async () => {
    expect(await openDpoRequest('R-0000-0000', { reviewingErasure: false })).toBeUndefined();
    expect(await openDpoRequest('../etc', { reviewingErasure: false })).toBeUndefined();
  });

  test('offers the actions the workflow allows from the status, and the extension only before the first deadline', async () => {
    const request = await submitted('access');
    now = receivedAt + day;
    const fresh = await openDpoRequest(request.reference, { reviewingErasure: false });
    expect(fresh?.allowed).toContain('verify');
    expect(fresh?.allowed).not.toContain('complete');
    expect(fresh?.tooLateToExtend).toBe(false);
    expect(fresh?.deadline.late).toBe(false);

    await takeAction(store, request.reference, { action: 'verify', method: 'other' }, 'dpo:test', now);
    now = request.dueAt + day;
    const overdue = await openDpoRequest(request.reference, { reviewingErasure: false });
    expect(overdue?.request.status).toBe('verified');
    expect(overdue?.allowed).not.toContain('verify');
    expect(overdue?.tooLateToExtend).toBe(true);
    expect(overdue?.deadline.late).toBe(true);
    expect(overdue?.events.map((event) => event.kind)).toEqual(['received', 'identity-verified']);
  });

  test('reads what an erasure would remove only when the DPO asks to review it', async () => {
    const request = await submitted('erasure', { scope: 'Alles wat u over mij bewaart.', grounds: 'Ik trek mijn toestemming in.' });
    now = receivedAt + day;
    await takeAction(store, request.reference, { action: 'verify', method: 'other' }, 'dpo:test', now);
    await takeAction(store, request.reference, { action: 'start' }, 'dpo:test', now);
    const browsing = await openDpoRequest(request.reference, { reviewingErasure: false });
    expect(browsing?.allowed).toContain('erase');
    expect(browsing?.erasurePreview).toBeUndefined();
    const reviewing = await openDpoRequest(request.reference, { reviewingErasure: true });
    expect(reviewing?.erasurePreview?.keptRequests).toEqual([request.reference]);
  });
});
