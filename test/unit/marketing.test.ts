import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTranslator } from '../../src/lib/i18n.ts';
import { confirmationEmail, escapeHtml } from '../../src/lib/marketing-email.ts';
import { marketingSignupSchema, phoneNumberSchema, signUnsubscribeToken, subscriptionStatus, verifyUnsubscribeToken } from '../../src/lib/marketing.ts';
import { createRateLimiter } from '../../src/lib/rate-limit.ts';

describe('addresses', () => {
  test('a phone number needs its country code and is stored compactly', () => {
    expect(phoneNumberSchema.parse('+30 2310 555 014')).toBe('+302310555014');
    expect(phoneNumberSchema.parse('0048 (22) 531-03-00')).toBe('+48225310300');
    expect(phoneNumberSchema.safeParse('2310 555 014').success).toBe(false);
    expect(phoneNumberSchema.safeParse('+30 abc').success).toBe(false);
  });

  test('a sign-up needs the ticked confirmation and the address of its channel', () => {
    expect(marketingSignupSchema.safeParse({ channel: 'email', email: 'a@b.gr', agree: true, locale: 'el' }).success).toBe(true);
    expect(marketingSignupSchema.safeParse({ channel: 'email', email: 'a@b.gr', agree: false, locale: 'el' }).success).toBe(false);
    expect(marketingSignupSchema.safeParse({ channel: 'sms', email: 'a@b.gr', agree: true, locale: 'el' }).success).toBe(false);
    expect(marketingSignupSchema.safeParse({ channel: 'fax', phone: '+302310555014', agree: true, locale: 'el' }).success).toBe(false);
  });
});

describe('one-click unsubscribe tokens', () => {
  const secret = 's'.repeat(40);

  test('name their subscription and verify with the same secret only', () => {
    const token = signUnsubscribeToken(42, secret);
    expect(verifyUnsubscribeToken(token, secret)).toBe(42);
    expect(verifyUnsubscribeToken(token, 't'.repeat(40))).toBeUndefined();
  });

  test('a token edited to name another subscription fails', () => {
    const token = signUnsubscribeToken(42, secret);
    expect(verifyUnsubscribeToken(token.replace('u42.', 'u43.'), secret)).toBeUndefined();
    expect(verifyUnsubscribeToken('u42', secret)).toBeUndefined();
    expect(verifyUnsubscribeToken('', secret)).toBeUndefined();
  });
});

test('subscriptionStatus() follows the last event', () => {
  expect(subscriptionStatus([])).toBe('none');
  expect(subscriptionStatus([{ event: 'requested' }])).toBe('pending');
  expect(subscriptionStatus([{ event: 'requested' }, { event: 'confirmed' }])).toBe('confirmed');
  expect(subscriptionStatus([{ event: 'requested' }, { event: 'confirmed' }, { event: 'withdrawn' }])).toBe('withdrawn');
});

describe('confirmationEmail()', () => {
  const messages = JSON.parse(readFileSync(join(import.meta.dirname, '../../locales/pl.json'), 'utf8'));
  const mail = confirmationEmail({
    t: createTranslator('pl', messages),
    lang: 'pl',
    organisation: 'Ostria Mail & Hosting S.A.',
    dpoEmail: 'dpo@ostria.example',
    address: '"<img src=x onerror=alert(1)>"@example.com',
    confirmUrl: 'https://portal.example/pl/marketing/confirm?token=abc',
    unsubscribeUrl: 'https://portal.example/pl/marketing/unsubscribe?token=u1.sig',
  });

  test('is in the subscriber language, with both links in text and HTML', () => {
    expect(mail.subject).toContain('Ostria Mail & Hosting S.A.');
    expect(mail.subject).not.toMatch(/\bconfirm\b/i);
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('https://portal.example/pl/marketing/confirm?token=abc');
      expect(body).toContain('https://portal.example/pl/marketing/unsubscribe?token=u1.sig');
    }
  });

  test('never puts an address into the HTML as markup', () => {
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('carries RFC 8058 one-click unsubscribe headers, its language and that it is sent automatically', () => {
    expect(mail.headers).toEqual({
      'List-Unsubscribe': '<https://portal.example/pl/marketing/unsubscribe?token=u1.sig>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Content-Language': 'pl',
      'Auto-Submitted': 'auto-generated',
    });
  });

  test('escapeHtml() escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

test('the rate limiter allows `limit` attempts per window per key', async () => {
  let now = 0;
  const limiter = createRateLimiter(2, 1000, () => now);
  expect(await Promise.all([limiter.allow('a'), limiter.allow('a'), limiter.allow('a'), limiter.allow('b')])).toEqual([true, true, false, true]);
  now = 1000;
  expect(await limiter.allow('a')).toBe(true);
});
