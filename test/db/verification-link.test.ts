import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { OutgoingMail } from '../../src/lib/mailer.ts';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { createRequest, eventsOf, findRequest, verifyByEmailLink } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema, verificationLifetimeMs } from '../../src/lib/requests.ts';
import { recordReceivedRequest } from '../../src/server/request-intake.ts';
import { askForNewVerificationLink } from '../../src/server/verification-resend.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import { adoptRecordingPortal } from '../support/recording-portal.ts';

const origin = 'https://privacy.example.test';
const hour = 60 * 60 * 1000;
const submittedAt = Date.UTC(2026, 11, 1, 9);
let now = submittedAt;
let store: TestStore;
const sent: OutgoingMail[] = [];

beforeAll(async () => {
  store = await migratedStore();
  adoptRecordingPortal(store, () => now, sent, {
    VERIFICATION_LINKS_PER_HOUR_PER_ADDRESS: '50',
    VERIFICATION_LINKS_PER_HOUR_PER_REQUEST: '3',
  });
});
afterAll(() => store.close());
beforeEach(() => {
  sent.length = 0;
});

let visitor = 0;
/** Each test asks from an address of its own, so only the per-request limit is shared. */
const nextVisitor = () => `visitor-${++visitor}`;

async function submitted(email: string) {
  const verify = newToken();
  const submission = requestSubmissionSchema.parse({ type: 'access', locale: 'nl', name: 'Jan de Vries', email, declaration: true });
  const request = await createRequest(store, {
    submission,
    now: submittedAt,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => hashToken(newToken().token),
    verifyTokenHash: verify.hash,
  });
  return { request, oldToken: verify.token };
}

const tokenIn = (mail: OutgoingMail | undefined) => new URL(mail?.links?.[0] ?? 'http://x').searchParams.get('verify');

describe('askForNewVerificationLink()', () => {
  test('mails a new link that verifies, after which the expired one is refused as unknown', async () => {
    const { request, oldToken } = await submitted('jan.expired@example.nl');
    now = submittedAt + verificationLifetimeMs + hour;
    const visitorKey = nextVisitor();
    expect(await askForNewVerificationLink({ reference: ` ${request.reference.toLowerCase()} `, email: 'Jan.Expired@Example.nl' }, visitorKey, origin)).toBe(
      'sent',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('jan.expired@example.nl');
    expect(sent[0]?.headers?.['Content-Language']).toBe('nl');
    const token = tokenIn(sent[0]);
    expect(token).toBeTruthy();
    const renewed = await findRequest(store.db, request.reference);
    if (!renewed) throw new Error('gone');
    expect(renewed.verifyExpiresAt).toBe(now + verificationLifetimeMs);
    expect(await verifyByEmailLink(store, renewed, oldToken, now)).toBe('invalid');
    expect(await verifyByEmailLink(store, renewed, token, now)).toBe('verified');
    const events = await eventsOf(store.db, request.id);
    expect(events.map((event) => event.kind)).toEqual(['received', 'verification-resent', 'identity-verified']);
    // What the trail keeps: that a link was sent, by the requester, not to which address.
    expect(events[1]).toMatchObject({ actor: 'requester', detail: null });
  });

  test('answers the same for an unknown reference, a wrong address, a verified request and a request the DPO recorded, and mails none', async () => {
    const { request } = await submitted('anna.wrong@example.nl');
    const verified = await submitted('piet.verified@example.nl');
    const current = await findRequest(store.db, verified.request.reference);
    if (!current) throw new Error('gone');
    await verifyByEmailLink(store, current, verified.oldToken, submittedAt);
    const recorded = await recordReceivedRequest(
      { type: 'access', channel: 'post', locale: 'nl', name: 'Kees Post', email: 'kees.post@example.nl', receivedOn: '2026-12-01' },
      { email: 'dpo@example.gr' },
      origin,
    );
    if (!recorded.ok) throw new Error('refused');
    sent.length = 0;
    const asks = [
      { reference: 'DSR-2026-ZZZZZZ', email: 'anna.wrong@example.nl' },
      { reference: request.reference, email: 'someone.else@example.nl' },
      { reference: verified.request.reference, email: 'piet.verified@example.nl' },
      { reference: recorded.request.reference, email: 'kees.post@example.nl' },
      { reference: 'not a reference', email: 'not an address' },
    ];
    for (const ask of asks) expect(await askForNewVerificationLink(ask, nextVisitor(), origin)).toBe('sent');
    expect(sent).toEqual([]);
    expect((await eventsOf(store.db, request.id)).map((event) => event.kind)).toEqual(['received']);
  });

  test('limits new links per request, known or not, whoever asks', async () => {
    const { request } = await submitted('eva.limit@example.nl');
    const ask = () => askForNewVerificationLink({ reference: request.reference, email: 'eva.limit@example.nl' }, nextVisitor(), origin);
    expect([await ask(), await ask(), await ask()]).toEqual(['sent', 'sent', 'sent']);
    expect(await ask()).toBe('tooMany');
    expect(sent).toHaveLength(3);
    const unknown = () => askForNewVerificationLink({ reference: 'DSR-2026-YYYYYY', email: 'eva.limit@example.nl' }, nextVisitor(), origin);
    expect([await unknown(), await unknown(), await unknown(), await unknown()]).toEqual(['sent', 'sent', 'sent', 'tooMany']);
    // Only the last link works.
    expect((await findRequest(store.db, request.reference))?.verifyTokenHash).toBe(hashToken(tokenIn(sent[2]) ?? ''));
  });

  test('limits one visitor across references', async () => {
    const visitorKey = nextVisitor();
    const answers = [];
    for (let index = 0; index < 51; index += 1) {
      answers.push(await askForNewVerificationLink({ reference: `DSR-2026-${String(index).padStart(6, '0')}`, email: 'x@example.nl' }, visitorKey, origin));
    }
    expect(answers.filter((answer) => answer === 'sent')).toHaveLength(50);
    expect(answers.at(-1)).toBe('tooMany');
  });

  test('names the empty fields', async () => {
    expect(await askForNewVerificationLink({ reference: ' ', email: '' }, nextVisitor(), origin)).toEqual({ invalid: ['reference', 'email'] });
  });
});
