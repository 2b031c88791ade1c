import { domainToASCII, domainToUnicode } from 'node:url';
import { z } from 'zod';

// The local part as people type it: letters (any script, as RFC 6531 allows), digits, `_ ' + -`, dot-separated, not
// ending in an apostrophe. The quoted forms and rarer symbols RFC 5322 allows are left out: nobody uses them.
const localPart = /^(?:[\p{L}\p{M}\p{N}_'+-]+\.)*[\p{L}\p{M}\p{N}_'+-]*[\p{L}\p{M}\p{N}_+-]$/u;
// A domain as typed: letters of any script (an internationalised domain such as пример.бг or παράδειγμα.ελ), digits,
// dots and hyphens; nothing the URL parser would decode or drop.
const typedDomain = /^[\p{L}\p{M}\p{N}.-]+$/u;
const asciiLabel = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const topLevelDomain = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

// Latin, Greek and Cyrillic have letters that look alike (a/а/α, o/о/ο, p/р/ρ): within one part of an address they
// must not mix, so `аdmin@example.com` (a Cyrillic а) is not taken for admin@example.com, and a keyboard left in the
// wrong layout is caught before the confirmation goes to nobody. Other scripts may mix (Japanese does).
const confusableScripts = [/\p{Script=Latin}/u, /\p{Script=Greek}/u, /\p{Script=Cyrillic}/u];

/** True when one of `parts` (the local part, the labels of the domain) mixes Latin, Greek and Cyrillic letters. */
function mixesLookAlikeScripts(parts: readonly string[]): boolean {
  return parts.some((part) => confusableScripts.filter((script) => script.test(part)).length > 1);
}

export type EmailAddressProblem = 'email' | 'emailScripts';

/**
 * An email address in the one form the portal keeps it: trimmed and in NFC, the local part as typed, the domain
 * lower-cased and in Unicode (`Maria@ΠΑΡΆΔΕΙΓΜΑ.ελ` and `Maria@xn--hxajbheg2az3al.xn--qxam`, which a browser may send
 * for it, are the same `Maria@παράδειγμα.ελ`); or why the text is not an address mail can be sent to.
 */
export function readEmailAddress(text: string): { address: string } | { problem: EmailAddressProblem } {
  const address = text.trim().normalize('NFC');
  if (mixesLookAlikeScripts(address.split(/[@.]/))) return { problem: 'emailScripts' };
  const at = address.lastIndexOf('@');
  const local = address.slice(0, Math.max(at, 0));
  const domain = address.slice(at + 1);
  if (at <= 0 || !localPart.test(local) || Buffer.byteLength(local, 'utf8') > 64 || !typedDomain.test(domain)) return { problem: 'email' };
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => asciiLabel.test(label)) || !topLevelDomain.test(labels.at(-1) ?? '')) return { problem: 'email' };
  // The address as it travels in SMTP (the domain in ASCII) fits the 254 octets a path may hold.
  if (Buffer.byteLength(local, 'utf8') + 1 + ascii.length > 254) return { problem: 'email' };
  // A browser submits a non-ASCII domain in its ASCII form (ivan@xn--exmple-4nf.com for ivan@exаmple.com, Cyrillic а),
  // which shows no script at all: each label is judged again by the letters it stands for. A local part is never
  // punycode, so it was judged as typed.
  const unicode = domainToUnicode(ascii);
  if (mixesLookAlikeScripts(unicode.split('.'))) return { problem: 'emailScripts' };
  return { address: `${local}@${unicode}` };
}

/** The kept form of an address (see `readEmailAddress`), or undefined when it is not one. */
export function normaliseEmailAddress(text: string): string | undefined {
  const read = readEmailAddress(text);
  return 'address' in read ? read.address : undefined;
}

/** Why the text is not an address the portal takes, or undefined when it is one. */
export function emailAddressProblem(text: string): EmailAddressProblem | undefined {
  const read = readEmailAddress(text);
  return 'problem' in read ? read.problem : undefined;
}

/** An email address field: required, at most 254 characters, kept in the form `normaliseEmailAddress` gives. */
export const emailAddressSchema = z
  .string()
  .trim()
  .max(254)
  .transform((text, context) => {
    const read = readEmailAddress(text);
    if ('address' in read) return read.address;
    context.addIssue({
      code: 'custom',
      input: text,
      params: { problem: read.problem },
      message: read.problem === 'emailScripts' ? 'Mixes Latin, Greek or Cyrillic letters' : 'Invalid email address',
    });
    return '';
  });

/** The problem an email issue of `emailAddressSchema` stands for. */
export function emailProblemOf(issue: { code: string; params?: Record<string, unknown> | undefined }): EmailAddressProblem {
  return issue.code === 'custom' && issue.params?.problem === 'emailScripts' ? 'emailScripts' : 'email';
}

/**
 * Case folding as far as JavaScript offers it: upper then lower case maps ß to ss and every script's capitals alike,
 * and a final sigma (ς) is the medial σ, so ΟΔΥΣΣΕΑΣ, οδυσσεας and οδυσσεασ fold to one text. NFC before and after,
 * so a decomposed accent folds like a composed one.
 */
function caseFold(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFC');
}

/**
 * The one form addresses are compared in (stored beside the address for lookup, never SQLite's lower(), which folds
 * ASCII only): the kept form (NFC, domain in Unicode) case-folded whole, the local part included, since people
 * and DPOs treat `Иван@пример.бг` and `иван@пример.бг` as one person. Text that is no address is folded as it is.
 */
export function emailLookupKey(text: string): string {
  return caseFold(normaliseEmailAddress(text) ?? text.trim());
}

/** A phone number for lookup: digits with a leading + when given, spaces, dashes, dots and brackets dropped. */
export function phoneLookupKey(text: string): string {
  const trimmed = text.trim();
  return `${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/\D/g, '')}`;
}

/** The lookup form of a marketing address: a number for SMS and phone, an email address otherwise. */
export function marketingLookupKey(channel: 'email' | 'sms' | 'phone', address: string): string {
  return channel === 'email' ? emailLookupKey(address) : phoneLookupKey(address);
}
