import { describe, expect, test } from 'vitest';
import { createTranslator, formatDateOn, formatDateUntil } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { requestReceivedEmail, requestUpdateEmail } from '../../src/lib/request-email.ts';
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };

const messages = { el, bg, nl, pl };
const names: Record<Locale, string> = { el: 'Γιώργος Παπαδόπουλος', bg: 'Иван Петров', nl: 'Sanne de Vries', pl: 'Piotr Wiśniewski' };

function mails(locale: Locale) {
  const t = createTranslator(locale, messages[locale]);
  const common = {
    t,
    lang: locale,
    to: 'someone@example.com',
    name: names[locale],
    reference: 'DSR-2026-7KQ4M2',
    statusUrl: 'https://privacy.example/status',
    organisation: 'Ostria Mail & Hosting S.A.',
    dpoName: 'Eleni Papadaki',
    dpoEmail: 'dpo@ostria.example',
  };
  const received = requestReceivedEmail({
    ...common,
    typeName: t('requests.types.objection.name'),
    receivedOn: formatDateOn('2026-12-01', locale),
    dueOn: formatDateUntil('2027-01-01', locale),
    verifyUrl: 'https://privacy.example/verify',
  });
  const extended = requestUpdateEmail({ ...common, update: { kind: 'extended', dueOn: formatDateUntil('2027-03-01', locale), reason: '…' } });
  return { received, extended };
}

describe('a requester’s mail: the form of address and the dates', () => {
  test('Greek names the person on a "Προς:" line, never a nominative name after a vocative salutation, and says "έως την 1η"', () => {
    const { received, extended } = mails('el');
    for (const mail of [received, extended]) {
      expect(mail.text.startsWith('Προς: Γιώργος Παπαδόπουλος\n\n')).toBe(true);
      expect(mail.text).not.toMatch(/Αγαπητ|Αξιότιμ|Γεια σας, Γιώργος/u);
      expect(mail.text).toContain('Eleni Papadaki, Υπεύθυνος/-η Προστασίας Δεδομένων');
    }
    expect(received.text).toContain('στην 1η Δεκεμβρίου 2026. ');
    expect(received.text).toContain('Θα σας απαντήσουμε έως την 1η Ιανουαρίου 2027.');
    expect(extended.text).toContain('Θα σας απαντήσουμε έως την 1η Μαρτίου 2027.');
  });

  test('Polish names the person on a "Do:" line and greets without declining the name, and writes dates with "r." once', () => {
    const { received, extended } = mails('pl');
    for (const mail of [received, extended]) {
      expect(mail.text.startsWith('Do: Piotr Wiśniewski\nDzień dobry,\n\n')).toBe(true);
      expect(mail.text).not.toMatch(/Szanown|Dzień dobry, Piotr/u);
      expect(mail.text).not.toContain('r..');
    }
    expect(received.text).toContain('Dnia 1 grudnia 2026 r. otrzymaliśmy');
    expect(received.text).toContain('Odpowiemy najpóźniej do 1 stycznia 2027 r.\n');
    expect(extended.text).toContain('Odpowiemy najpóźniej do 1 marca 2027 r.\n');
  });

  test('Bulgarian greets without a gendered "Уважаеми/Уважаема", and Dutch by first name', () => {
    const bulgarian = mails('bg').received.text;
    expect(bulgarian.startsWith('Здравейте, Иван Петров,\n\n')).toBe(true);
    expect(bulgarian).toContain('Най-късно до 1 януари 2027 г. ще получите');
    expect(bulgarian).not.toContain('г..');
    const dutch = mails('nl').received.text;
    expect(dutch.startsWith('Beste Sanne de Vries,\n\n')).toBe(true);
    expect(dutch).toContain('We antwoorden uiterlijk op 1 januari 2027.');
  });
});

describe('the mails to owners and processors: no name declined after a salutation', () => {
  test('Polish names the processor on a "Do:" line instead of "Szanowni Państwo z <name in the nominative>"', () => {
    const t = createTranslator('pl', pl);
    expect(t('systems.recipientEmail.greeting', { recipient: 'Kurier24 Sp. z o.o.' })).toBe('Do: Kurier24 Sp. z o.o.\nSzanowni Państwo,');
    expect(t('ownerTask.email.greeting', { owner: 'Jan Kowalski' })).toBe('Do: Jan Kowalski\nDzień dobry,');
  });

  test('Greek names the owner on a "Προς:" line instead of "Γεια σας, <name in the nominative>"', () => {
    const t = createTranslator('el', el);
    expect(t('ownerTask.email.greeting', { owner: 'Νίκος Παπαδόπουλος' })).toBe('Προς: Νίκος Παπαδόπουλος\nΓεια σας,');
    expect(t('taskDigest.owner.greeting', { name: 'Νίκος Παπαδόπουλος' })).toBe('Προς: Νίκος Παπαδόπουλος\nΓεια σας,');
  });
});
