import type { Locale } from './locale.ts';

/** The concepts every locale names with one term, in UI strings, mails and notices alike. */
export const glossaryConcepts = [
  'privacyNotice',
  'dpo',
  'controller',
  'dataSubject',
  'requester',
  'request',
  'rectification',
  'erasure',
  'restriction',
  'portability',
  'objection',
  'consent',
  'withdrawal',
  'supervisoryAuthority',
  'deadline',
] as const;
export type GlossaryConcept = (typeof glossaryConcepts)[number];

export interface GlossaryEntry {
  /** The one term, as the notices and the GDPR's own translation say it. */
  term: string;
  /**
   * Words or phrases never used for the concept: matched as whole words, ignoring case and (in Greek) accents; a
   * trailing `*` stands for any ending (`verwijdering*`: verwijdering, verwijderingen).
   */
  forbidden: readonly string[];
  /**
   * Whether the published notices are held to `forbidden` too. False where a notice rightly says more than the UI
   * may: the Greek notice names its DPO, a woman, in the feminine, while the UI names the role of any DPO.
   */
  inNotices: boolean;
}

const entry = (term: string, forbidden: readonly string[] = [], inNotices = true): GlossaryEntry => ({ term, forbidden, inNotices });

/** The glossary per locale: the term of each concept, and the variants that must not name it. */
export const glossary: Record<Locale, Record<GlossaryConcept, GlossaryEntry>> = {
  el: {
    privacyNotice: entry('Ενημέρωση για την προστασία προσωπικών δεδομένων', [
      'ενημέρωση για την προστασία δεδομένων',
      'ενημέρωσή μας για την προστασία δεδομένων',
      'πολιτική απορρήτου',
      'δήλωση απορρήτου',
    ]),
    // Gender-neutral for the role of whoever signs in; running text to requesters says "we" instead.
    dpo: entry(
      'Υπεύθυνος/-η Προστασίας Δεδομένων',
      [
        'υπεύθυνη προστασίας δεδομένων',
        'υπεύθυνης προστασίας δεδομένων',
        'υπεύθυνος προστασίας δεδομένων',
        'υπεύθυνο προστασίας δεδομένων',
        'υπεύθυνου προστασίας δεδομένων',
      ],
      false,
    ),
    controller: entry('υπεύθυνος επεξεργασίας'),
    dataSubject: entry('υποκείμενο των δεδομένων'),
    requester: entry('αιτών'),
    request: entry('αίτημα'),
    rectification: entry('διόρθωση', ['επανόρθωση*']),
    erasure: entry('διαγραφή', ['απαλοιφή*']),
    restriction: entry('περιορισμός της επεξεργασίας'),
    portability: entry('φορητότητα', ['μεταφερσιμότητα*']),
    objection: entry('εναντίωση', ['αντιρρήσ*']),
    consent: entry('συγκατάθεση', ['συναίνεση*']),
    withdrawal: entry('ανάκληση', ['απόσυρση*']),
    supervisoryAuthority: entry('εποπτική αρχή', ['αρχή ελέγχου']),
    deadline: entry('προθεσμία'),
  },
  bg: {
    privacyNotice: entry('Политика за поверителност', ['декларация за поверителност', 'политика за защита на личните данни']),
    dpo: entry('длъжностно лице по защита на данните', ['служител по защита на данните', 'отговорник по защита на данните']),
    controller: entry('администратор'),
    dataSubject: entry('субект на данните'),
    requester: entry('заявител'),
    request: entry('искане'),
    rectification: entry('коригиране', ['поправка', 'поправяне на данни*']),
    erasure: entry('изтриване', ['заличаване']),
    restriction: entry('ограничаване на обработването', ['ограничаване на обработката']),
    portability: entry('преносимост'),
    objection: entry('възражение'),
    consent: entry('съгласие'),
    withdrawal: entry('оттегляне', ['отменяне на съгласие*']),
    supervisoryAuthority: entry('надзорен орган'),
    deadline: entry('срок'),
  },
  nl: {
    privacyNotice: entry('privacyverklaring', ['privacybeleid', 'privacystatement']),
    dpo: entry('functionaris voor gegevensbescherming', ['privacy officer', 'privacyfunctionaris']),
    controller: entry('verwerkingsverantwoordelijke'),
    dataSubject: entry('betrokkene'),
    requester: entry('verzoeker', ['aanvrager*']),
    request: entry('verzoek'),
    rectification: entry('rectificatie', ['correctie*', 'verbetering*']),
    erasure: entry('wissing', ['verwijdering*', 'recht op vergetelheid']),
    restriction: entry('beperking van de verwerking'),
    portability: entry('overdraagbaarheid', ['dataportabiliteit', 'portabiliteit']),
    objection: entry('bezwaar'),
    consent: entry('toestemming', ['instemming']),
    withdrawal: entry('intrekken', ['herroepen', 'herroeping']),
    supervisoryAuthority: entry('toezichthoudende autoriteit'),
    deadline: entry('termijn'),
  },
  pl: {
    privacyNotice: entry('Polityka prywatności', ['informacja o prywatności', 'oświadczenie o prywatności']),
    dpo: entry('inspektor ochrony danych', ['administrator bezpieczeństwa informacji']),
    controller: entry('administrator'),
    dataSubject: entry('osoba, której dane dotyczą'),
    requester: entry('wnioskodawca'),
    // RODO speaks of the person's "żądanie"; a "wniosek" is another procedure.
    request: entry('żądanie', ['wniosek', 'wniosku', 'wnioski', 'wnioskiem', 'wniosków']),
    rectification: entry('sprostowanie', ['korekta*', 'korekty']),
    erasure: entry('usunięcie danych', ['wymazanie*', 'skasowanie*']),
    restriction: entry('ograniczenie przetwarzania'),
    portability: entry('przenoszenie danych', ['przenośność*', 'portowalność*']),
    objection: entry('sprzeciw'),
    consent: entry('zgoda'),
    withdrawal: entry('wycofanie zgody'),
    supervisoryAuthority: entry('organ nadzorczy', ['urząd nadzorczy', 'urzędu nadzorczego']),
    deadline: entry('termin'),
  },
};

/** Text as the glossary compares it: lower case, without accents or other marks, Greek final sigma as sigma. */
export function glossaryForm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replaceAll('ς', 'σ')
    .normalize('NFC');
}

function variantPattern(variant: string): RegExp {
  const parts = glossaryForm(variant)
    .split(/\s+/u)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, (character) => (character === '*' ? '\\p{L}*' : `\\${character}`)));
  return new RegExp(`(?<![\\p{L}\\p{N}])${parts.join('\\s+')}(?![\\p{L}\\p{N}])`, 'u');
}

const patterns = new Map<string, RegExp>();

function patternOf(variant: string): RegExp {
  const known = patterns.get(variant);
  if (known) return known;
  const pattern = variantPattern(variant);
  patterns.set(variant, pattern);
  return pattern;
}

/** Each forbidden variant a text uses, with its concept: `notice` holds published notices only to the entries bound to them. */
export function forbiddenVariantsIn(text: string, locale: Locale, where: 'ui' | 'notice' = 'ui'): { concept: GlossaryConcept; variant: string }[] {
  const compared = glossaryForm(text);
  const found: { concept: GlossaryConcept; variant: string }[] = [];
  for (const concept of glossaryConcepts) {
    const { forbidden, inNotices } = glossary[locale][concept];
    if (where === 'notice' && !inNotices) continue;
    for (const variant of forbidden) {
      if (patternOf(variant).test(compared)) found.push({ concept, variant });
    }
  }
  return found;
}
