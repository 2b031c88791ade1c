import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createMailer } from '../../src/lib/mailer.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import { locales } from '../../src/lib/locale.ts';
import { requestReceivedEmail, requestUpdateEmail } from '../../src/lib/request-email.ts';
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };

const messages = { el, bg, nl, pl };
const hostileName = '<img src=x onerror=alert(1)> {{reference}} $t(requests.email.subject) {{dpoEmail}}';

describe('the email a requester receives', () => {
  test.each(locales)('in %s: plain text and HTML, with both links, and the name never evaluated', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    const mail = requestReceivedEmail({
      t,
      lang: locale,
      to: 'maria@example.com',
      name: hostileName,
      reference: 'DSR-2026-7KQ4M2',
      typeName: t('requests.types.erasure.name'),
      receivedOn: '20 Nov 2026',
      dueOn: '20 Dec 2026',
      verifyUrl: 'https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s&verify=v',
      statusUrl: 'https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s',
      organisation: 'Ostria Mail & Hosting S.A.',
      dpoName: 'Eleni Papadaki',
      dpoEmail: 'dpo@ostria.example',
    });
    expect(mail.subject).toContain('DSR-2026-7KQ4M2');
    expect(mail.text).toContain(hostileName);
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; {{reference}} $t(requests.email.subject) {{dpoEmail}}');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.html).toContain('href="https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s&amp;verify=v"');
    expect(mail.text).toContain('https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s&verify=v');
    expect(mail.text).toContain('20 Dec 2026');
    expect(mail.text).toContain(t('requests.types.erasure.name'));
    expect(mail.html).toContain('Ostria Mail &amp; Hosting S.A.');
    expect(mail.headers).toEqual({ 'Content-Language': locale, 'Auto-Submitted': 'auto-generated' });
  });
});

test('the written message says its language and that it was sent automatically (no vacation replies)', async () => {
  const outbox = mkdtempSync(join(tmpdir(), 'mail-headers-'));
  try {
    const t = createTranslator('pl', messages.pl);
    const mail = requestReceivedEmail({
      t,
      lang: 'pl',
      to: 'jan@example.com',
      name: 'Jan Kowalski',
      reference: 'DSR-2026-7KQ4M2',
      typeName: t('requests.types.access.name'),
      receivedOn: '20 listopada 2026 r.',
      dueOn: '20 grudnia 2026 r.',
      verifyUrl: 'https://privacy.example/pl/requests/DSR-2026-7KQ4M2?token=s&verify=v',
      statusUrl: 'https://privacy.example/pl/requests/DSR-2026-7KQ4M2?token=s',
      organisation: 'Ostria',
      dpoName: 'Eleni Papadaki',
      dpoEmail: 'dpo@ostria.example',
    });
    const sent = await createMailer({ from: 'Ostria <privacy@ostria.example>', outboxDir: outbox, log: { info: () => {} } }).send(mail);
    const eml = readFileSync(sent.file ?? '', 'utf8');
    expect(eml).toMatch(/^Content-Language: pl$/m);
    expect(eml).toMatch(/^Auto-Submitted: auto-generated$/m);
  } finally {
    rmSync(outbox, { recursive: true, force: true });
  }
});

describe('the emails a requester gets when the DPO acts', () => {
  const base = (locale: (typeof locales)[number]) => ({
    t: createTranslator(locale, messages[locale]),
    lang: locale,
    to: 'maria@example.com',
    name: 'Maria',
    reference: 'DSR-2026-7KQ4M2',
    statusUrl: 'https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s',
    organisation: 'Ostria Mail & Hosting S.A.',
    dpoName: 'Eleni Papadaki',
    dpoEmail: 'dpo@ostria.example',
  });

  test.each(locales)('in %s: an extension names the new date and the reason, with the status link', (locale) => {
    const mail = requestUpdateEmail({ ...base(locale), update: { kind: 'extended', dueOn: '3 February 2027', reason: 'Backups <b>on tape</b>' } });
    const t = createTranslator(locale, messages[locale]);
    expect(mail.subject).toBe(t('dpo.email.extendedSubject', { reference: 'DSR-2026-7KQ4M2' }));
    expect(mail.text).toContain('3 February 2027');
    expect(mail.text).toContain('Backups <b>on tape</b>');
    expect(mail.html).toContain('Backups &lt;b&gt;on tape&lt;/b&gt;');
    expect(mail.links).toEqual(['https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s']);
  });

  test.each(locales)(
    'in %s: a question quotes the DPO’s words, says why it is asked, links to the status page to answer and says the time stands still',
    (locale) => {
      const t = createTranslator(locale, messages[locale]);
      for (const reason of ['identification', 'clarification'] as const) {
        const mail = requestUpdateEmail({ ...base(locale), update: { kind: 'information', reason, question: 'Your <customer> number?' } });
        expect(mail.subject).toBe(t('dpo.email.informationSubject', { reference: 'DSR-2026-7KQ4M2' }));
        expect(mail.text).toContain(t(`dpo.email.informationBody.${reason}`, { reference: 'DSR-2026-7KQ4M2' }));
        expect(mail.text).toContain('Your <customer> number?');
        expect(mail.html).toContain('Your &lt;customer&gt; number?');
        expect(mail.text).toContain(t('dpo.email.informationDeadline'));
        expect(mail.links).toEqual(['https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s']);
        expect(mail.headers).toMatchObject({ 'Content-Language': locale });
      }
    },
  );

  test.each(locales)('in %s: a completion quotes the answer line by line and points to the export when there is one', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    const withExport = requestUpdateEmail({ ...base(locale), update: { kind: 'completed', message: 'Line one\nLine <two>', export: true } });
    expect(withExport.text).toContain('Line one\nLine <two>');
    expect(withExport.html).toContain('Line one<br>Line &lt;two&gt;');
    expect(withExport.text).toContain(t('dpo.email.completedExport'));
    const without = requestUpdateEmail({ ...base(locale), update: { kind: 'completed', message: 'Done.', export: false } });
    expect(without.text).not.toContain(t('dpo.email.completedExport'));
    expect(without.text).toContain(t('dpo.email.statusLink'));
  });

  const signedPackage = 'https://privacy.example/api/requests/DSR-2026-7KQ4M2/export?until=1796400000000&sig=abc';

  test.each(locales)('in %s: a completion hands over the package by its signed link, not the status token', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    const mail = requestUpdateEmail({
      ...base(locale),
      update: { kind: 'completed', message: 'Done.', export: true, downloads: { until: '14 Dec 2026, 10:00', links: [{ url: signedPackage }] } },
    });
    expect(mail.text).toContain(t('dpo.email.exportLink', { date: '14 Dec 2026, 10:00' }));
    expect(mail.links).toEqual([signedPackage, 'https://privacy.example/el/requests/DSR-2026-7KQ4M2?token=s']);
    expect((mail.links ?? []).filter((link) => link.includes('/api/')).join('')).not.toContain('token=');
  });

  test.each(locales)('in %s: a renewal says so and gives each file by name with its new link', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    const links = [
      { name: 'antwoord.pdf', url: 'https://privacy.example/api/requests/DSR-2026-7KQ4M2/files/3?until=1&sig=a' },
      { name: 'facturen.csv', url: 'https://privacy.example/api/requests/DSR-2026-7KQ4M2/files/4?until=1&sig=b' },
    ];
    const mail = requestUpdateEmail({ ...base(locale), update: { kind: 'renewed', downloads: { until: '21 Dec 2026', links } } });
    expect(mail.subject).toBe(t('dpo.email.renewedSubject', { reference: 'DSR-2026-7KQ4M2' }));
    expect(mail.text).toContain(t('dpo.email.renewedBody', { reference: 'DSR-2026-7KQ4M2' }));
    expect(mail.text).toContain(t('dpo.email.filesLink', { count: 2, date: '21 Dec 2026' }));
    expect(mail.text).toMatch(/antwoord\.pdf\s+https:\/\/privacy\.example\/api\/requests\/DSR-2026-7KQ4M2\/files\/3/);
    expect((mail.links ?? []).slice(0, 2)).toEqual(links.map((link) => link.url));
  });

  test.each(locales)('in %s: a rejection gives the reason and the right to complain', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    const mail = requestUpdateEmail({ ...base(locale), update: { kind: 'rejected', reason: 'We could not verify your identity.' } });
    expect(mail.subject).toBe(t('dpo.email.rejectedSubject', { reference: 'DSR-2026-7KQ4M2' }));
    expect(mail.text).toContain('We could not verify your identity.');
    expect(mail.text).toContain(t('dpo.email.rejectedRights'));
  });
});
