import { describe, expect, test } from 'vitest';
import { createTranslator } from '../../src/lib/i18n.ts';
import { locales } from '../../src/lib/locale.ts';
import { requesterEventDetail, statusAfter, transitionProblem, type WorkflowAction } from '../../src/lib/request-workflow.ts';
import type { RequestStatus } from '../../src/lib/requests.ts';
import {
  cleanText,
  consentIdProofAtSubmission,
  fieldProblems,
  isDirectMarketingObjection,
  isReference,
  newReference,
  requestIntakeSchema,
  requestSubmissionSchema,
  requestTypes,
  typeFields,
} from '../../src/lib/requests.ts';
import bg from '../../locales/bg.json' with { type: 'json' };
import el from '../../locales/el.json' with { type: 'json' };
import nl from '../../locales/nl.json' with { type: 'json' };
import pl from '../../locales/pl.json' with { type: 'json' };

const messages = { el, bg, nl, pl };
const base = { locale: 'el', name: 'Μαρία Παπαδοπούλου', email: 'maria@example.com', declaration: true };
const perType = {
  access: {},
  rectification: { inaccurateData: 'Οδός Εγνατίας 1', correctData: 'Οδός Εγνατίας 12' },
  erasure: { scope: 'Όλα', grounds: 'Ανακάλεσα τη συγκατάθεσή μου' },
  portability: {},
  restriction: { details: 'Μέχρι να ελεγχθεί η ακρίβεια' },
  objection: { scope: 'Email προώθησης', grounds: 'Απευθείας εμπορική προώθηση' },
};

function problemsOf(input: unknown) {
  const parsed = requestSubmissionSchema.safeParse(input);
  return parsed.success ? {} : fieldProblems(parsed.error);
}

describe('the request schema (form and API alike)', () => {
  test.each(requestTypes)('accepts a complete %s request and keeps only the fields its type asks for', (type) => {
    const parsed = requestSubmissionSchema.parse({ ...base, type, ...perType[type], scope: type === 'access' ? 'ignored' : perType[type as 'erasure'].scope });
    expect(parsed.type).toBe(type);
    for (const field of ['inaccurateData', 'correctData', 'scope', 'grounds'] as const) {
      expect(parsed[field] !== null).toBe(typeFields[type].includes(field));
    }
    expect(parsed.format).toBe(type === 'portability' ? 'json' : null);
  });

  test.each(['\u200B\u200B', '\u200E', '\u0301\u0301', '\u202E\u2066', ' \u3000 ', '\u2060\uFEFF'])('a name %j that shows nothing is missing', (name) => {
    expect(problemsOf({ ...base, type: 'access', name })).toEqual({ name: { problem: 'required' } });
  });

  test.each(['Ζωή', 'ΟΔΟΣ', 'раураl', '👩🏽‍⚖️', 'e\u0301', '\u200BAnna'])('a name %j that shows something is kept', (name) => {
    expect(requestSubmissionSchema.parse({ ...base, type: 'access', name }).name).toBe(cleanText(name, true));
  });

  test.each(requestTypes.filter((type) => typeFields[type].length > 0))('%s requires its own fields', (type) => {
    const problems = problemsOf({ ...base, type });
    expect(Object.keys(problems).sort()).toEqual([...typeFields[type]].sort());
    for (const field of typeFields[type]) expect(problems[field]).toEqual({ problem: 'required' });
  });

  test('names every bad field at once, with the limit when too long', () => {
    const problems = problemsOf({
      type: 'erasure',
      locale: 'el',
      name: '  ',
      email: 'maria@@example',
      scope: 'x'.repeat(2001),
      grounds: 'ok',
      consentId: 'short',
      customerReference: 'y'.repeat(101),
    });
    expect(problems).toEqual({
      name: { problem: 'required' },
      email: { problem: 'email' },
      scope: { problem: 'tooLong', max: 2000 },
      consentId: { problem: 'consentId' },
      customerReference: { problem: 'tooLong', max: 100 },
      declaration: { problem: 'declaration' },
    });
  });

  test('the fields a type asks for are reported together with every other problem', () => {
    expect(Object.keys(problemsOf({ type: 'erasure', locale: 'el', name: '', email: 'x' })).sort()).toEqual([
      'declaration',
      'email',
      'grounds',
      'name',
      'scope',
    ]);
  });

  test('refuses wrong types, unknown types and keys, and a filled honeypot', () => {
    expect(problemsOf({ ...base, type: 'deletion' })).toEqual({ type: { problem: 'type' } });
    expect(problemsOf({ ...base, type: 'access', declaration: 'yes' })).toEqual({ declaration: { problem: 'declaration' } });
    expect(problemsOf({ ...base, type: 'access', name: 42 })).toEqual({ name: { problem: 'required' } });
    expect(problemsOf({ ...base, type: 'access', isAdmin: true })).toEqual({ isAdmin: { problem: 'unknownField' } });
    expect(problemsOf({ ...base, type: 'access', website: 'http://spam.example' })).toEqual({ website: { problem: 'honeypot' } });
    expect(problemsOf({ ...base, type: 'access', locale: 'de' })).toEqual({ locale: { problem: 'locale' } });
    expect(problemsOf(null)).toHaveProperty('form');
  });

  test('keeps HTML as text, and drops control and bidi characters, lone surrogates become U+FFFD', () => {
    const parsed = requestSubmissionSchema.parse({
      ...base,
      type: 'access',
      name: '<script>alert(1)</script>\u0000 \u202Eevil',
      details: 'line 1\r\nline 2\u0007',
    });
    expect(parsed.name).toBe('<script>alert(1)</script> evil');
    expect(parsed.details).toBe('line 1\nline 2');
    expect(cleanText('a\uD800b', true)).toBe('a\uFFFDb');
    expect(cleanText('Ο\u0301', true)).toBe('Ό');
  });

  test('a blank optional field is absent', () => {
    const parsed = requestSubmissionSchema.parse({ ...base, type: 'access', customerReference: '  ', consentId: '', details: '' });
    expect(parsed).toMatchObject({ customerReference: null, consentId: null, details: null, phone: null });
  });

  test.each([
    ['+48 600-100-200', '+48600100200'],
    ['(0231) 055 50 14', '02310555014'],
    [' +30 2310 555 014 ', '+302310555014'],
    ['123456', '123456'],
    ['+1 234 567 890 123 456 789 0', '+12345678901234567890'],
  ])('takes the phone number %j and keeps it as the DPO’s search compares it: %j', (phone, stored) => {
    expect(requestSubmissionSchema.parse({ ...base, type: 'access', phone }).phone).toBe(stored);
  });

  test.each(['12345', '+30 2310 555 014 ext. 2', '2310+555014', 'phone: 2310555014', '+1 234 567 890 123 456 789 01', '30 2310 555 014 / 15'])(
    'refuses the phone number %j with a message of its own, and keeps the rest valid',
    (phone) => {
      const result = requestSubmissionSchema.safeParse({ ...base, type: 'access', phone });
      expect(result.success).toBe(false);
      expect(result.error && fieldProblems(result.error)).toEqual({ phone: { problem: 'phone' } });
    },
  );

  test('refuses a phone number longer than its field as too long', () => {
    const result = requestSubmissionSchema.safeParse({ ...base, type: 'access', phone: '1'.repeat(31) });
    expect(result.error && fieldProblems(result.error)).toEqual({ phone: { problem: 'tooLong', max: 30 } });
  });
});

describe('validation messages in each language', () => {
  test.each(locales)('%s has a message for every problem, with plural-correct limits', (locale) => {
    const t = createTranslator(locale, messages[locale]);
    for (const problem of [
      'required',
      'email',
      'emailScripts',
      'type',
      'locale',
      'consentId',
      'phone',
      'declaration',
      'honeypot',
      'unknownField',
      'invalid',
      'tooLarge',
    ]) {
      expect(t(`requests.errors.${problem}`).length).toBeGreaterThan(5);
    }
    expect(t('requests.errors.tooLong', { count: 2000 })).toMatch(/2000|2\s?000|2\.000/);
    expect(t('requests.errors.tooMany', { dpoEmail: 'dpo@ostria.example' })).toContain('dpo@ostria.example');
  });

  test('Polish has four plural forms for days and characters', () => {
    const t = createTranslator('pl', messages.pl);
    expect(t('requests.status.daysLeft', { count: 1 })).toContain('1 dzień');
    expect(t('requests.status.daysLeft', { count: 2 })).toContain('2 dni');
    expect(t('requests.status.daysLeft', { count: 5 })).toContain('5 dni');
    expect(t('requests.status.daysLeft', { count: 22 })).toContain('22 dni');
    expect(t('requests.errors.tooLong', { count: 2 })).toContain('2 znaki');
    expect(t('requests.errors.tooLong', { count: 100 })).toContain('100 znaków');
  });
});

describe('references', () => {
  test('look like DSR-2026-7KQ4M2, with a random part that repeats rarely', () => {
    const references = new Set(Array.from({ length: 2000 }, () => newReference(2026)));
    for (const reference of references) expect(isReference(reference)).toBe(true);
    expect(references.size).toBeGreaterThan(1995);
    expect(isReference('DSR-2026-7KQ4MI')).toBe(false);
    expect(isReference('DSR-2026-7kq4m2')).toBe(false);
  });
});

describe('the request workflow', () => {
  const request = (status: RequestStatus, extended = false, type: 'access' | 'erasure' = 'access') => ({
    status,
    type,
    extended,
  });

  test('goes received → verified → in progress → completed', () => {
    let status = request('received').status;
    for (const action of ['verify', 'start', 'complete'] as WorkflowAction[]) {
      expect(transitionProblem(request(status), action)).toBeUndefined();
      status = statusAfter(status, action);
    }
    expect(status).toBe('completed');
  });

  test('rejects illegal transitions', () => {
    expect(transitionProblem(request('received'), 'complete')).toBe('status');
    expect(transitionProblem(request('received'), 'start')).toBe('status');
    expect(transitionProblem(request('verified'), 'verify')).toBe('status');
    expect(transitionProblem(request('completed'), 'reject')).toBe('status');
    expect(transitionProblem(request('rejected'), 'start')).toBe('status');
    expect(transitionProblem(request('completed'), 'extend')).toBe('status');
    expect(transitionProblem(request('in-progress', true), 'extend')).toBe('alreadyExtended');
    expect(transitionProblem(request('in-progress'), 'erase')).toBe('type');
    expect(transitionProblem(request('in-progress', false, 'erasure'), 'erase')).toBeUndefined();
    expect(transitionProblem(request('completed'), 'note')).toBeUndefined();
  });

  test('asks the requester from every open status, again while waiting, never once answered', () => {
    for (const status of ['received', 'verified', 'in-progress', 'waiting'] as const) {
      expect(transitionProblem(request(status), 'ask')).toBeUndefined();
      expect(statusAfter(status, 'ask')).toBe('waiting');
    }
    expect(transitionProblem(request('completed'), 'ask')).toBe('status');
    expect(transitionProblem(request('rejected'), 'ask')).toBe('status');
    // While waiting, the answer comes first: nothing is started or completed on a question still open.
    expect(transitionProblem(request('waiting'), 'start')).toBe('status');
    expect(transitionProblem(request('waiting'), 'complete')).toBe('status');
    expect(transitionProblem(request('waiting'), 'reject')).toBeUndefined();
  });
});

describe('a consent id named in a request', () => {
  const id = 'vvvvvvvvvvvvvvvvvvvvvv';

  test('is proven at submission only when it is the sending browser’s own', () => {
    expect(consentIdProofAtSubmission(id, id)).toBe('browser');
    expect(consentIdProofAtSubmission(id, undefined)).toBeNull();
    expect(consentIdProofAtSubmission(id, 'aaaaaaaaaaaaaaaaaaaaaa')).toBeNull();
    expect(consentIdProofAtSubmission(null, id)).toBeNull();
  });

  test('can be linked by the DPO while the request is open, once, and only when one is named', () => {
    const open = { status: 'in-progress' as const, type: 'access' as const, extended: false };
    expect(transitionProblem({ ...open, consentId: id, consentIdLinkedBy: null }, 'link')).toBeUndefined();
    expect(transitionProblem({ ...open, consentId: id, consentIdLinkedBy: 'browser' }, 'link')).toBe('consentId');
    expect(transitionProblem({ ...open, consentId: id, consentIdLinkedBy: 'dpo' }, 'link')).toBe('consentId');
    expect(transitionProblem({ ...open, consentId: null, consentIdLinkedBy: null }, 'link')).toBe('consentId');
    expect(transitionProblem({ ...open, status: 'completed', consentId: id, consentIdLinkedBy: null }, 'link')).toBe('status');
    expect(statusAfter('verified', 'link')).toBe('verified');
  });
});

describe('what the requester reads of an event', () => {
  test('what was sent to them and how they were verified; never the DPO’s notes', () => {
    expect(requesterEventDetail('identity-verified', { method: 'identity-document', note: 'Passport AB123' })).toEqual({ method: 'identity-document' });
    expect(requesterEventDetail('extended', { days: 10, reason: 'Archives', dueOn: '2027-01-01' })).toEqual({
      days: 10,
      reason: 'Archives',
      dueOn: '2027-01-01',
    });
    expect(requesterEventDetail('completed', { message: 'Attached.' })).toEqual({ message: 'Attached.' });
    expect(requesterEventDetail('rejected', { reason: 'Not the account holder.' })).toEqual({ reason: 'Not the account holder.' });
    expect(requesterEventDetail('consent-id-linked', { consentId: 'vvvvvvvvvvvvvvvvvvvvvv', note: 'Receipt compared' })).toEqual({
      consentId: 'vvvvvvvvvvvvvvvvvvvvvv',
    });
    expect(requesterEventDetail('note', { text: 'Internal' })).toBeNull();
    expect(requesterEventDetail('received', null)).toBeNull();
    // A field a later change adds is internal until it is named here.
    expect(requesterEventDetail('completed', { message: 'Attached.', handledBy: 'dpo@ostria.example' })).toEqual({ message: 'Attached.' });
    expect(requesterEventDetail('constructor', { text: 'x' })).toBeNull();
  });
});

describe('an objection recorded by the DPO (post, phone, email)', () => {
  const recorded = { type: 'objection', locale: 'nl', name: 'Sanne de Vries', channel: 'phone', receivedOn: '2026-12-01' };
  test('to direct marketing needs no scope or grounds, and is kept as one, like the public form keeps it', () => {
    const parsed = requestIntakeSchema('2026-12-07').parse({ ...recorded, objectionTo: 'direct-marketing' });
    expect(parsed).toMatchObject({ type: 'objection', scope: 'direct-marketing', grounds: null });
    expect(isDirectMarketingObjection(parsed)).toBe(true);
  });
  test('to other processing still needs both', () => {
    const result = requestIntakeSchema('2026-12-07').safeParse({ ...recorded, objectionTo: 'other' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['grounds', 'scope']);
  });
});
