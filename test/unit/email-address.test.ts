import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { emailAddressProblem, emailAddressSchema, normaliseEmailAddress } from '../../src/lib/email-address.ts';
import { fieldProblems, requestSubmissionSchema } from '../../src/lib/requests.ts';

describe('email addresses', () => {
  test('are trimmed, the domain lower-cased, the local part kept as typed', () => {
    expect(emailAddressSchema.parse('  Maria.K@Example.COM ')).toBe('Maria.K@example.com');
    expect(normaliseEmailAddress("o'brien+privacy@mail.example.nl")).toBe("o'brien+privacy@mail.example.nl");
  });

  test('internationalised domains of our countries are accepted and kept in Unicode, whatever form they came in', () => {
    expect(normaliseEmailAddress('ivan@пример.бг')).toBe('ivan@пример.бг');
    expect(normaliseEmailAddress('ivan@ПРИМЕР.БГ')).toBe('ivan@пример.бг');
    // What Chromium sends for an <input type=email> holding ivan@пример.бг.
    expect(normaliseEmailAddress('ivan@xn--e1afmkfd.xn--90ae')).toBe('ivan@пример.бг');
    expect(normaliseEmailAddress('eleni@ΠΑΡΆΔΕΙΓΜΑ.ελ')).toBe('eleni@παράδειγμα.ελ');
    expect(normaliseEmailAddress('jan@bücher.nl')).toBe('jan@bücher.nl');
    expect(normaliseEmailAddress('ewa@łódź.pl')).toBe('ewa@łódź.pl');
  });

  test('local parts in any script are accepted (RFC 6531), in NFC', () => {
    expect(normaliseEmailAddress('ελένη@παράδειγμα.ελ')).toBe('ελένη@παράδειγμα.ελ');
    expect(normaliseEmailAddress('иван.петров@example.bg')).toBe('иван.петров@example.bg');
    // "é" typed as e + combining acute is kept as the one character é.
    expect(normaliseEmailAddress('rene\u0301@example.nl')).toBe('ren\u00e9@example.nl');
  });

  test('anything mail cannot be sent to is refused', () => {
    for (const bad of [
      '',
      'maria',
      'maria@',
      '@example.com',
      'maria@example',
      'maria@example.',
      'maria@example.com.',
      'maria@.example.com',
      'maria@exa..mple.com',
      'maria@exa_mple.com',
      'maria@-example.com',
      'maria@example-.com',
      'maria@1.2.3.4',
      'maria@[127.0.0.1]',
      'maria@ex%41mple.com',
      'maria@example.c',
      'maria@example.123',
      'ma ria@example.com',
      '.maria@example.com',
      'maria.@example.com',
      'ma..ria@example.com',
      '"maria"@example.com',
      'maria@exam ple.com',
      'maria@example.com\nBcc: x@example.com',
      'maria<x>@example.com',
      'maria@@example.com',
      `${'a'.repeat(65)}@example.com`,
      `${'λ'.repeat(33)}@example.com`, // 66 octets in UTF-8
      `maria@${'a'.repeat(64)}.com`,
      `maria@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com`,
      // 233 characters as typed, but 289 octets once the domain is in ASCII, as it travels in mail.
      `maria@${Array.from({ length: 8 }, () => `${'ü'.repeat(25)}ab`).join('.')}.nl`,
    ]) {
      expect(normaliseEmailAddress(bad), JSON.stringify(bad)).toBeUndefined();
      expect(emailAddressSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  test('Latin, Greek and Cyrillic letters do not mix within the local part or a label of the domain', () => {
    // A Cyrillic а passing for admin, a Cyrillic а in paypal, a keyboard left in the Greek layout for one letter.
    for (const lookAlike of ['аdmin@example.com', 'support@pаypal.com', 'ivаn@abv.bg', 'jοhn@example.nl', 'иванov@abv.bg']) {
      expect(normaliseEmailAddress(lookAlike), lookAlike).toBeUndefined();
      expect(emailAddressProblem(lookAlike), lookAlike).toBe('emailScripts');
    }
    // One script per part is fine, whichever it is, and parts may differ.
    for (const fine of ['иван@пример.бг', 'ivan@пример.бг', 'иван@abv.bg', 'ελένη@example.gr', 'eleni@παράδειγμα.ελ', 'jan.2024@example.nl']) {
      expect(normaliseEmailAddress(fine), fine).toBeDefined();
      expect(emailAddressProblem(fine), fine).toBeUndefined();
    }
    expect(emailAddressProblem('maria@example')).toBe('email');
  });

  test('look-alikes are refused in the punycode form a browser sends too: every label is checked once decoded', () => {
    // exаmple.com, pаypal.com and bg-bаnk.пример.бг with a Cyrillic а; ехample.gr with Cyrillic е and х; a Greek ο in
    // a Latin word, in an upper-case ACE prefix.
    for (const [ascii, decoded] of [
      ['ivan@xn--exmple-4nf.com', 'ivan@exаmple.com'],
      ['support@xn--pypal-4ve.com', 'support@pаypal.com'],
      ['ivan@xn--bg-bnk-6nf.xn--e1afmkfd.xn--90ae', 'ivan@bg-bаnk.пример.бг'],
      ['maria@xn--ample-ywe6i.gr', 'maria@ехample.gr'],
      ['jan@XN--JHN-9YC.NL', 'jan@jοhn.nl'],
    ]) {
      expect(normaliseEmailAddress(decoded ?? ''), decoded).toBeUndefined();
      expect(emailAddressProblem(ascii ?? ''), ascii).toBe('emailScripts');
      expect(emailAddressSchema.safeParse(ascii).success, ascii).toBe(false);
    }
    // A whole label in one script stays fine in either form, and is kept in Unicode.
    expect(normaliseEmailAddress('ivan@xn--80aaab0cr1b.xn--e1afmkfd.xn--90ae')).toBe('ivan@банката.пример.бг');
    // The local part is never decoded: an ASCII local part that merely looks like punycode is only ASCII.
    expect(normaliseEmailAddress('xn--exmple-4nf@example.com')).toBe('xn--exmple-4nf@example.com');
  });

  test('a refused address is reported as an email problem on the request form, look-alikes with their own message', () => {
    expect(
      fieldProblems(
        requestSubmissionSchema.safeParse({ type: 'access', locale: 'bg', name: 'Иван', email: 'ivаn@abv.bg', declaration: true }).error as z.ZodError,
      ),
    ).toEqual({
      email: { problem: 'emailScripts' },
    });
    expect(
      fieldProblems(
        requestSubmissionSchema.safeParse({ type: 'access', locale: 'bg', name: 'Иван', email: 'ivan@abv', declaration: true }).error as z.ZodError,
      ),
    ).toEqual({
      email: { problem: 'email' },
    });
    const result = requestSubmissionSchema.safeParse({ type: 'access', locale: 'bg', name: 'Иван', email: 'ivan@пример', declaration: true });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['email']);
    expect(requestSubmissionSchema.parse({ type: 'access', locale: 'bg', name: 'Иван', email: 'ivan@xn--e1afmkfd.xn--90ae', declaration: true }).email).toBe(
      'ivan@пример.бг',
    );
  });
});
