// Hostile values for property-based tests (fast-check): the text and JSON that people, browsers, scripts and
// attackers send where a form or an endpoint expects a plain string. One module, so every endpoint is fuzzed with
// the same vocabulary.
import fc from 'fast-check';

export const nul = '\u0000';
/** UTF-16 halves without their partner: not valid Unicode, cannot be encoded as UTF-8. */
export const loneSurrogates = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', 'a\uD800b', '\uDC00\uD800'] as const;
/** Zero-width space, non-joiner, joiner, word joiner, byte-order mark. */
export const zeroWidth = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'] as const;
/** Left-to-right/right-to-left marks, embeddings, overrides and isolates. */
export const bidiControls = ['\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'] as const;
/** Combining marks, alone and stacked ("Zalgo"). */
export const combiningMarks = [
  '\u0301',
  'e\u0301',
  'a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030A\u030B',
  `Z${'\u0336\u0337\u0338'.repeat(40)}`,
] as const;
/** Greek final sigma: "ΟΔΟΣ" lower-cases to "οδος" with a final ς, which upper-cases back to Σ. */
export const greekSigma = ['ΟΔΟΣ', 'οδος', 'οδός', 'ς', 'Σ', 'ΌΔΟΣ ΕΡΜΟΥ'] as const;
/** Cyrillic letters that look Latin: "раураl" (р, а, у Cyrillic), "аdmin" (Cyrillic а), "еxample". */
export const lookAlikes = ['раураl', 'аdmin', 'аdmin@example.com', 'admin@еxample.com', 'Ρaypal', 'ѕсоре'] as const;
export const markupInjection = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  'javascript:alert(1)',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as text
  '${7*7}',
  '<!--',
  ']]>',
  '&lt;&amp;&#0;',
] as const;
export const sqlish = ["' OR '1'='1", "'; DROP TABLE requests; --", '" OR 1=1 --', '%', '_', '\\', "\\'", 'NULL', '1; SELECT * FROM dpo_users'] as const;
export const emojiAndAstral = ['😀', '👩🏽‍⚖️', '🏳️‍🌈', '𝕳𝖊𝖑𝖑𝖔', '𐍈', '\u{10FFFF}', '\u{E0041}'] as const;
/** Line breaks that would start a new mail header if they reached one. */
export const headerInjection = ['\r\n', '\r', '\n', 'x@example.com\r\nBcc: victim@example.com', 'x@example.com\nSubject: hi', '%0d%0aBcc:a@b.c'] as const;
export const otherControls = ['\u0007', '\u001B[31m', '\u007F', '\u0085', '\u2028', '\u2029', '\t', '\u00A0', '\u3000'] as const;
/** Names of JavaScript's object machinery: fatal as keys when code uses plain objects as maps. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'] as const;

const pieces = [
  nul,
  ...loneSurrogates,
  ...zeroWidth,
  ...bidiControls,
  ...combiningMarks,
  ...greekSigma,
  ...lookAlikes,
  ...markupInjection,
  ...sqlish,
  ...emojiAndAstral,
  ...headerInjection,
  ...otherControls,
  ...prototypeKeys,
];

/** Strings of 100 KB and 1 MB (built once). */
export const hugeStrings = { kb100: 'A'.repeat(100 * 1024), mb1: 'ΟΔΟΣ '.repeat(105_000) } as const;

/** One hostile piece. */
export const hostilePiece: fc.Arbitrary<string> = fc.constantFrom(...pieces);

/**
 * A hostile string: a known piece, a mix of pieces and plain text, arbitrary UTF-16 (lone surrogates included),
 * or a long run (a few KB, over every field's limit). Huge strings (100 KB, 1 MB) are fixed cases, not drawn here:
 * they are slow to send and the body limits answer them the same way every time.
 */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostilePiece },
  { weight: 4, arbitrary: fc.array(fc.oneof(hostilePiece, fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(hostilePiece, fc.integer({ min: 300, max: 6000 })).map(([piece, times]) => piece.repeat(Math.ceil(times / Math.max(1, piece.length)))),
  },
);

/** A hostile string that still reads as text to a person (well-formed Unicode, at least one letter). */
export const hostileName: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('Ελένη', 'Иван', 'Zoë', 'Łucja', 'Anna'), fc.array(hostilePiece, { maxLength: 3 }), fc.constantFrom('', ' ', '\u0301'))
  .map(([name, extras, tail]) => `${extras.join('')}${name}${extras.toReversed().join('')}${tail}`);

/** A value of the wrong JSON type where a string is expected, or deep structures. */
export const wrongJsonType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(1e308),
  fc.constant(-0),
  fc.array(fc.oneof(hostilePiece, fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.oneof(hostilePiece, fc.string({ maxLength: 5 })), fc.oneof(hostilePiece, fc.integer()), { maxKeys: 3 }),
  fc.integer({ min: 50, max: 400 }).map((depth) => nested(depth)),
);

/** `[[[…{"a":…}…]]]` nested `depth` levels. */
export function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { a: value };
  return value;
}

/** A hostile value for a JSON field that expects a string: mostly hostile strings, sometimes the wrong type. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 2, arbitrary: wrongJsonType });

/** Raw bodies that are not the JSON object an endpoint expects. */
export const hostileRawBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .constantFrom(
      '',
      ' ',
      'null',
      'true',
      '0',
      '"text"',
      '[]',
      '{',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      '{"a":NaN}',
      '{"a":1e999}',
      'type=access&locale=pl',
      '<xml/>',
      '\u0000',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`.slice(0, 60_000),
      `{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5001)}`,
    )
    .map((text) => Buffer.from(text, 'utf8')),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text, 'utf8')),
  // Invalid UTF-8: stray continuation bytes, overlong encodings, encoded surrogates, bytes that never appear.
  fc
    .array(fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xfe, 0xed, 0xa0, 0x7b, 0x22, 0x7d), { minLength: 1, maxLength: 40 })
    .map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

/** Content types a client might claim for whatever it sends. */
export const hostileContentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'application/xml',
  '*/*',
  'garbage',
);

/** Encodes a string the way a browser puts it into a URL (lone surrogates become U+FFFD, as a browser does). */
export function urlEncode(value: string): string {
  return encodeURIComponent(value.toWellFormed());
}
