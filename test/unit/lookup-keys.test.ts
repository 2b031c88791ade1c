import { describe, expect, test } from 'vitest';
import { emailLookupKey, marketingLookupKey, phoneLookupKey } from '../../src/lib/email-address.ts';

describe('lookup forms', () => {
  test('email addresses fold in every script, NFC, with the domain in Unicode', () => {
    expect(emailLookupKey(' Иван@ПРИМЕР.бг ')).toBe('иван@пример.бг');
    expect(emailLookupKey('ΟΔΥΣΣΕΑΣ@example.gr')).toBe(emailLookupKey('οδυσσεας@example.gr'));
    expect(emailLookupKey('οδυσσεασ@example.gr')).toBe(emailLookupKey('οδυσσεας@example.gr'));
    expect(emailLookupKey('ŁUKASZ@example.pl')).toBe('łukasz@example.pl');
    expect(emailLookupKey('ζωη\u0301@xn--hxajbheg2az3al.xn--qxam')).toBe(emailLookupKey('ΖΩΉ@παράδειγμα.ελ'));
    expect(emailLookupKey('Straße@example.de')).toBe('strasse@example.de');
  });

  test('phone numbers keep their digits and a leading +', () => {
    expect(phoneLookupKey(' +31 6-1234 0001 ')).toBe('+31612340001');
    expect(phoneLookupKey('(030) 123.45')).toBe('03012345');
    expect(marketingLookupKey('sms', '+48 600 100 200')).toBe('+48600100200');
    expect(marketingLookupKey('email', 'Anna@Example.PL')).toBe('anna@example.pl');
  });
});
