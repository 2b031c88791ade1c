import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { dpoUsers } from '../../db/tables.ts';
import { assignRequest } from '../../src/lib/assignment.repo.ts';
import { assignedToOrUnassigned } from '../../src/lib/dpo-digest.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, eventsOf, findRequest } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

// Issue 16: a request assigned to a DPO; each change an `assigned` event; the digest goes to the assignee.
let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

const now = Date.parse('2026-12-07T10:00:00Z');

async function account(email: string, disabled = false): Promise<number> {
  const [row] = await store.transaction((tx) =>
    tx
      .insert(dpoUsers)
      .values({ email, passwordHash: 'x', locale: 'nl', createdAt: now, disabledAt: disabled ? now : null })
      .returning({ id: dpoUsers.id }),
  );
  return row?.id ?? 0;
}

async function received() {
  return createRequest(store, {
    submission: requestSubmissionSchema.parse({ type: 'access', locale: 'nl', name: 'Jan de Vries', email: 'jan@example.nl', declaration: true }),
    now,
    timeZone: 'Europe/Amsterdam',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
}

describe('assignRequest()', () => {
  test('assigns, reassigns and unassigns, each an event naming the account; the same again records nothing', async () => {
    const anna = await account('anna@ostria.example');
    const piet = await account('piet@ostria.example');
    const request = await received();
    expect(await assignRequest(store, request.reference, anna, 'dpo:anna@ostria.example', now + 1)).toMatchObject({ ok: true, changed: true });
    expect(await assignRequest(store, request.reference, anna, 'dpo:anna@ostria.example', now + 2)).toMatchObject({ ok: true, changed: false });
    expect(await assignRequest(store, request.reference, piet, 'dpo:anna@ostria.example', now + 3)).toMatchObject({ ok: true, changed: true });
    expect((await findRequest(store.db, request.reference))?.assignedTo).toBe(piet);
    expect(await assignRequest(store, request.reference, null, 'dpo:piet@ostria.example', now + 4)).toMatchObject({ ok: true, changed: true });
    const assigned = (await eventsOf(store.db, request.id)).filter((event) => event.kind === 'assigned');
    expect(assigned.map((event) => [event.actor, JSON.parse(event.detail ?? '{}').to])).toEqual([
      ['dpo:anna@ostria.example', 'anna@ostria.example'],
      ['dpo:anna@ostria.example', 'piet@ostria.example'],
      ['dpo:piet@ostria.example', null],
    ]);
  });

  test('refuses a disabled or unknown account and an unknown request, changing nothing', async () => {
    const gone = await account('gone@ostria.example', true);
    const request = await received();
    expect(await assignRequest(store, request.reference, gone, 'dpo:x', now)).toEqual({ ok: false, problem: 'account' });
    expect(await assignRequest(store, request.reference, 9999, 'dpo:x', now)).toEqual({ ok: false, problem: 'account' });
    expect(await assignRequest(store, 'DSR-2026-000000', null, 'dpo:x', now)).toEqual({ ok: false, problem: 'notFound' });
    expect((await findRequest(store.db, request.reference))?.assignedTo).toBeNull();
    expect((await eventsOf(store.db, request.id)).map((event) => event.kind)).toEqual(['received']);
  });
});

describe('assignedToOrUnassigned()', () => {
  test('a DPO’s digest names their requests and nobody’s, and those of an assignee who can no longer sign in', () => {
    const items = [
      { id: 'mine', assignedTo: 1 },
      { id: 'colleague', assignedTo: 2 },
      { id: 'nobody', assignedTo: null },
      { id: 'left', assignedTo: 3 },
    ];
    const enabled = new Set([1, 2]);
    expect(assignedToOrUnassigned(items, 1, enabled).map((item) => item.id)).toEqual(['mine', 'nobody', 'left']);
    expect(assignedToOrUnassigned(items, 2, enabled).map((item) => item.id)).toEqual(['colleague', 'nobody', 'left']);
  });
});
