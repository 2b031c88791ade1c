import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { recordSignup, subscriptionsOfConsent } from '../../src/lib/marketing.repo.ts';
import { confirmedSignup } from '../support/marketing.ts';
import { createRequest, eventsOf, takeAction } from '../../src/lib/requests.repo.ts';
import { fieldProblems, requestSubmissionSchema } from '../../src/lib/requests.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { buildSubjectExport } from '../../src/lib/subject-export.ts';
import organisationSource from '../../content/organisation.json' with { type: 'json' };

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
for (const schema of ['request.v1.json', 'subject-export.v1.json'])
  ajv.addSchema(JSON.parse(readFileSync(join(import.meta.dirname, '../../public/schemas', schema), 'utf8')));
const validSubjectExport = ajv.getSchema('/schemas/subject-export.v1.json');

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

const now = Date.parse('2026-11-20T10:00:00Z');
const piotrsBrowser = 'pppppppppppppppppppppp';
const someoneElse = 'zzzzzzzzzzzzzzzzzzzzzz';
const dpo = 'dpo:eleni@ostria.example';

/** Piotr's objection, sent from his browser (its consent id proven), with the phone number he gave. */
async function objection(fields: Record<string, unknown>) {
  const submission = requestSubmissionSchema.parse({
    type: 'objection',
    locale: 'pl',
    name: 'Piotr Wiśniewski',
    email: 'Piotr@Example.pl',
    phone: '+48 600 100 200',
    consentId: piotrsBrowser,
    declaration: true,
    ...fields,
  });
  return createRequest(store, {
    submission,
    now,
    timeZone: 'Europe/Warsaw',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
    consentIdLinkedBy: 'browser',
  });
}

/** Piotr's newsletter (address typed in another case), his SMS offers, a phone sign-up still waiting, and someone else's. */
async function seed() {
  const signup = { locale: 'pl', policyVersion: 2, wording: 'Chcę otrzymywać oferty', now: now - 5000 };
  await confirmedSignup(store, { ...signup, channel: 'email', address: 'piotr@example.PL', consentId: undefined });
  await confirmedSignup(store, { ...signup, channel: 'sms', address: '+48600100200', consentId: piotrsBrowser });
  await recordSignup(store, { ...signup, channel: 'phone', address: '+48 600 100 200', consentId: undefined, confirmTokenHash: newToken().hash });
  await confirmedSignup(store, { ...signup, channel: 'email', address: 'someone@else.example', consentId: someoneElse });
}

async function work(reference: string) {
  expect((await takeAction(store, reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
  expect((await takeAction(store, reference, { action: 'start' }, dpo, now)).ok).toBe(true);
}

const marketingEvents = () =>
  store.rows(
    'select s.channel as channel, s.address as address, e.event as event, e.via as via, e.policy_version as "policyVersion" from marketing_events e join marketing_subscriptions s on s.id = e.subscription_id order by e.id',
  );

describe('an objection to direct marketing (Art. 21(2)–(3))', () => {
  test('needs no grounds and no scope, while an objection to other processing still needs both', () => {
    const base = { type: 'objection', locale: 'nl', name: 'Sanne de Vries', email: 'sanne@example.nl', declaration: true };
    const marketing = requestSubmissionSchema.parse({ ...base, objectionTo: 'direct-marketing' });
    expect(marketing).toMatchObject({ scope: 'direct-marketing', grounds: null });
    expect(marketing).not.toHaveProperty('objectionTo');
    const other = requestSubmissionSchema.safeParse({ ...base, objectionTo: 'other' });
    expect(other.success ? {} : fieldProblems(other.error)).toEqual({ scope: { problem: 'required' }, grounds: { problem: 'required' } });
    // An API client that names no target objects to other processing (Art. 21(1)), as before.
    const unnamed = requestSubmissionSchema.safeParse(base);
    expect(unnamed.success).toBe(false);
    const unknown = requestSubmissionSchema.safeParse({ ...base, objectionTo: 'everything' });
    expect(unknown.success ? {} : fieldProblems(unknown.error).objectionTo).toEqual({ problem: 'invalid' });
  });

  test('withdraws the person’s marketing consents on every channel when the DPO completes it, recorded as the objection’s', async () => {
    await seed();
    const request = await objection({ objectionTo: 'direct-marketing' });
    await work(request.reference);
    const before = (await marketingEvents()).length;

    expect((await takeAction(store, request.reference, { action: 'complete', message: 'Nie będziemy już wysyłać ofert.' }, dpo, now + 1000)).ok).toBe(true);

    expect((await marketingEvents()).slice(before)).toEqual([
      { channel: 'email', address: 'piotr@example.PL', event: 'withdrawn', via: 'objection', policyVersion: 2 },
      { channel: 'sms', address: '+48600100200', event: 'withdrawn', via: 'objection', policyVersion: 2 },
      { channel: 'phone', address: '+48 600 100 200', event: 'withdrawn', via: 'objection', policyVersion: 2 },
    ]);
    expect((await subscriptionsOfConsent(store.db, someoneElse)).email?.status).toBe('confirmed');
    expect((await subscriptionsOfConsent(store.db, piotrsBrowser)).sms?.status).toBe('withdrawn');
    // The waiting phone sign-up can no longer be confirmed.
    expect(await store.value("select count(*) from marketing_subscriptions where channel = 'phone' and confirm_token_hash is not null")).toBe(0);
    const completed = (await eventsOf(store.db, request.id)).at(-1);
    expect(completed?.kind).toBe('completed');
    expect(JSON.parse(completed?.detail ?? '{}')).toEqual({ message: 'Nie będziemy już wysyłać ofert.', marketingWithdrawn: { email: 1, sms: 1, phone: 1 } });
    // Piotr's export names the withdrawals as the objection's, within its published schema.
    const exported = await buildSubjectExport(store.db, {
      email: request.email,
      organisation: organisationSchema.parse(organisationSource),
      portalOrigin: 'https://privacy.ostria.example',
      now: now + 2000,
    });
    expect(validSubjectExport?.(JSON.parse(JSON.stringify(exported))), ajv.errorsText(validSubjectExport?.errors)).toBe(true);
    expect(JSON.stringify(exported)).toContain('"via":"objection"');
  });

  test('withdraws nothing a second time: a later objection records zero on every channel', async () => {
    await seed();
    const first = await objection({ objectionTo: 'direct-marketing' });
    await work(first.reference);
    await takeAction(store, first.reference, { action: 'complete', message: 'Gotowe.' }, dpo, now + 1000);
    const after = (await marketingEvents()).length;

    const second = await objection({ objectionTo: 'direct-marketing' });
    await work(second.reference);
    await takeAction(store, second.reference, { action: 'complete', message: 'Gotowe.' }, dpo, now + 2000);

    expect(await marketingEvents()).toHaveLength(after);
    expect(JSON.parse((await eventsOf(store.db, second.id)).at(-1)?.detail ?? '{}').marketingWithdrawn).toEqual({ email: 0, sms: 0, phone: 0 });
  });

  test('an objection to other processing leaves the marketing consents as they are', async () => {
    await seed();
    const request = await objection({ objectionTo: 'other', scope: 'Profilowanie', grounds: 'Moja sytuacja' });
    await work(request.reference);
    const before = await marketingEvents();
    await takeAction(store, request.reference, { action: 'complete', message: 'Przestaliśmy profilować.' }, dpo, now + 1000);
    expect(await marketingEvents()).toEqual(before);
    expect(JSON.parse((await eventsOf(store.db, request.id)).at(-1)?.detail ?? '{}')).toEqual({ message: 'Przestaliśmy profilować.' });
  });
});
