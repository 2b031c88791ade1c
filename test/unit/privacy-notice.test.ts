import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { buildCatalog, currentVersion, todayIn } from '../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';

const contentDir = join(import.meta.dirname, '../../content');
const organisation = organisationSchema.parse(JSON.parse(readFileSync(join(contentDir, 'organisation.json'), 'utf8')));
const versions = buildCatalog(readPolicyTexts(join(contentDir, 'policies')))['privacy-notice'];
const newest = versions.at(-1);
const section = (locale: Locale, key: string) => newest?.texts[locale].sections.find((entry) => entry.key === key)?.markdown ?? '';

/** How each language names what the portal itself processes, as its GDPR translation and the notice word it. */
const processing: Record<Locale, Record<'consentRecords' | 'proofOfConsent' | 'requests' | 'auditTrail' | 'marketing' | 'dpoAccounts', RegExp>> = {
  el: {
    consentRecords: /συγκατάθεσ\S* σας για τα cookies/,
    proofOfConsent: /άρθρο 7 παρ\. 1 ΓΚΠΔ/,
    requests: /αιτήματα/,
    auditTrail: /ιστορικό ενεργειών/,
    marketing: /εμπορική προώθηση/,
    dpoAccounts: /Υπεύθυνης Προστασίας Δεδομένων/,
  },
  bg: {
    consentRecords: /съгласие\S*( Ви)? за бисквитки/,
    proofOfConsent: /чл\. 7, пар\. 1 от ОРЗД/,
    requests: /искания/,
    auditTrail: /дневник/,
    marketing: /маркетинг/,
    dpoAccounts: /длъжностн\S* лиц\S* по защита на данните/,
  },
  nl: {
    consentRecords: /cookietoestemming/,
    proofOfConsent: /artikel 7 lid 1 AVG/,
    requests: /verzoeken/,
    auditTrail: /logboek/,
    marketing: /marketing/,
    dpoAccounts: /functionaris\S* voor gegevensbescherming/,
  },
  pl: {
    consentRecords: /zgody na pliki cookie/,
    proofOfConsent: /art\. 7 ust\. 1 RODO/,
    requests: /żądania/,
    auditTrail: /dziennik/,
    marketing: /marketing/,
    dpoAccounts: /inspektor\S* ochrony danych/,
  },
};
const months: Record<Locale, string> = { el: 'μήνες', bg: 'месеца', nl: 'maanden', pl: 'miesięcy' };
const article13_2e: Record<Locale, RegExp> = {
  el: /άρθρο 13 παρ\. 2 στοιχ\. ε ΓΚΠΔ/,
  bg: /чл\. 13, пар\. 2, буква „д“ от ОРЗД/,
  nl: /artikel 13 lid 2 onder e AVG/i,
  pl: /art\. 13 ust\. 2 lit\. e RODO/,
};
/** The earlier of one month and 30 days, as the notice words it. */
const deadline: Record<Locale, string> = {
  el: 'εντός ενός μηνός από την παραλαβή του (και το αργότερο εντός 30 ημερών)',
  bg: 'в срок от един месец от получаването му (и не по-късно от 30 дни)',
  nl: 'binnen één maand na ontvangst (en uiterlijk binnen 30 dagen)',
  pl: 'w ciągu miesiąca od jego otrzymania (i nie później niż w ciągu 30 dni)',
};

describe('the privacy notice tells the truth about the portal', () => {
  test('its newest version is the one in effect today', () => {
    expect(currentVersion(versions, todayIn(organisation.timeZone))?.version).toBe(newest?.version);
  });

  describe.each(locales)('in %s', (locale) => {
    test('it names each processing of the portal itself: consent records, requests and their trail, marketing, DPO accounts', () => {
      const text = section(locale, 'portal-processing');
      for (const [name, pattern] of Object.entries(processing[locale])) expect(text, name).toMatch(pattern);
    });

    test('it states the retention of consent records and closed requests from organisation.json', () => {
      const { consentRecordsMonths, closedRequestsMonths } = organisation.retention;
      for (const key of ['portal-processing', 'retention']) {
        expect(section(locale, key), key).toContain(`${consentRecordsMonths} ${months[locale]}`);
        expect(section(locale, key), key).toContain(`${closedRequestsMonths} ${months[locale]}`);
      }
    });

    test('it says whether providing the data is required and what happens if not (Art. 13(2)(e))', () => {
      expect(section(locale, 'required-data')).toMatch(article13_2e[locale]);
    });

    test('it promises an answer by the earlier of one month and 30 days', () => {
      expect(section(locale, 'rights')).toContain(deadline[locale]);
    });
  });
});
