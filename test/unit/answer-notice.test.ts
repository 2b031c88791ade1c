import { describe, expect, test } from 'vitest';
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };
import { answerNoticeEmail, answerNoticeRecipients } from '../../src/lib/answer-notice.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import { locales } from '../../src/lib/locale.ts';

const messages = { el, bg, nl, pl };

describe("the DPO's notice that the requester answered", () => {
  test('goes to the assignee, or to every DPO who can sign in when nobody (able to sign in) has the request', () => {
    const accounts = [
      { id: 1, disabledAt: null },
      { id: 2, disabledAt: null },
      { id: 3, disabledAt: 1 },
    ];
    expect(answerNoticeRecipients(accounts, 2).map((account) => account.id)).toEqual([2]);
    expect(answerNoticeRecipients(accounts, null).map((account) => account.id)).toEqual([1, 2]);
    expect(answerNoticeRecipients(accounts, 3).map((account) => account.id)).toEqual([1, 2]);
  });

  test.each(locales)('in %s: the reference, the DPO’s name for the type, the moved deadline and the link, one full stop', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    const mail = answerNoticeEmail({
      t,
      locale,
      to: 'dpo@ostria.example',
      request: { reference: 'DSR-2027-ABCDEF', type: 'erasure', dueOn: '2027-03-01' },
      origin: 'https://privacy.ostria.example',
      organisation: 'Ostria',
    });
    expect(mail.subject).toContain('DSR-2027-ABCDEF');
    expect(mail.text).toContain(t('dpo.types.erasure'));
    expect(mail.text).toContain(new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(2027, 2, 1)).replace(/\.$/, ''));
    expect(mail.text).not.toMatch(/\.\./);
    expect(mail.links).toEqual(['https://privacy.ostria.example/dpo/requests/DSR-2027-ABCDEF']);
    expect(mail.headers).toMatchObject({ 'Content-Language': locale, 'Auto-Submitted': 'auto-generated' });
  });
});
