import { createHmac, randomInt } from 'node:crypto';
import { z } from 'zod';
import { locales } from './locale.ts';
import { emailAddressSchema, emailProblemOf, phoneLookupKey } from './email-address.ts';
import { requestTypes, type RequestType } from './request-types.ts';

export { requestTypes, type RequestType };

/**
 * Where a request stands: received → verified → in progress → completed or rejected; `waiting` while the DPO waits for
 * the requester's answer to a question (from any open status, back to it once answered).
 */
export const requestStatuses = ['received', 'verified', 'in-progress', 'waiting', 'completed', 'rejected'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** The longest each field may be, in characters (the form's maxlength and the API's limit). */
export const fieldLimits = {
  name: 200,
  email: 254,
  customerReference: 100,
  phone: 30,
  details: 5000,
  inaccurateData: 2000,
  correctData: 2000,
  scope: 2000,
  grounds: 5000,
} as const;

/** A request body larger than this is refused (413) before it is read further. */
export const maxRequestBodyBytes = 64 * 1024;

/** The fields each type asks for on top of the common ones; all of them are required for that type. */
export const typeFields: Record<RequestType, readonly ('inaccurateData' | 'correctData' | 'scope' | 'grounds' | 'details')[]> = {
  access: [],
  rectification: ['inaccurateData', 'correctData'],
  erasure: ['scope', 'grounds'],
  portability: [],
  restriction: ['details'],
  objection: ['scope', 'grounds'],
};

/**
 * What an objection is to: direct marketing (Art. 21(2), no grounds needed, and completing it withdraws every marketing
 * consent of the person, Art. 21(3)), or other processing (Art. 21(1), on grounds of the person's situation).
 */
export const objectionTargets = ['direct-marketing', 'other'] as const;
export type ObjectionTarget = (typeof objectionTargets)[number];

/** The `scope` an objection to direct marketing is stored with: a fixed value, its whole scope being all marketing. */
export const directMarketingScope = 'direct-marketing';

/** Whether a request is an objection to direct marketing (its scope says so). */
export function isDirectMarketingObjection(request: { type: string; scope: string | null }): boolean {
  return request.type === 'objection' && request.scope === directMarketingScope;
}

// C0/C1 controls other than tab and line feed, and the bidi embedding/override/isolate controls that can make text
// read differently from what it is. Stored text is what the person typed, minus these.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is this pattern's purpose
const controlCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text as typed, made safe to keep: well-formed Unicode in NFC, Unix line breaks, no control characters, trimmed. */
export function cleanText(value: string, singleLine: boolean): string {
  let text = value.toWellFormed().normalize('NFC').replace(/\r\n?/g, '\n').replace(controlCharacters, '');
  if (singleLine) text = text.replace(/[\n\t]+/g, ' ');
  return text.trim();
}

/** Whether text shows anything: not only zero-width or format characters, combining marks and spaces. */
export function hasVisibleCharacter(text: string): boolean {
  return /[^\p{Cf}\p{Mn}\p{Me}\p{Z}\s]/u.test(text);
}

const requiredText = (max: number, singleLine: boolean) =>
  z
    .string()
    .transform((value) => cleanText(value, singleLine))
    .pipe(z.string().max(max).refine(hasVisibleCharacter, 'required'));

const optionalText = (max: number, singleLine: boolean) =>
  z
    .string()
    .nullish()
    .transform((value) => (value == null ? '' : cleanText(value, singleLine)))
    .pipe(z.string().max(max))
    .transform((value) => value || null);

/**
 * A phone number the requester gives to be searched by too (optional): digits, spaces, a leading +, dashes and brackets,
 * 6 to 20 digits. Kept in its lookup form (`+48 600-100-200` → `+48600100200`), the form the DPO's search compares.
 */
const phoneField = z
  .string()
  .nullish()
  .transform((value) => (value == null ? '' : cleanText(value, true)))
  .pipe(z.string().max(fieldLimits.phone))
  .refine((value) => value === '' || (/^\+?[\d\s()-]+$/.test(value) && /^(?:\D*\d){6,20}\D*$/.test(value)), 'phone')
  .transform((value) => (value ? phoneLookupKey(value) : null));

/** The consent id of the visitor's `portal_consent` cookie (22 base64url characters), optional. */
const consentIdField = z
  .string()
  .nullish()
  .transform((value) => value?.trim() || null)
  .pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{22}$/)
      .nullable(),
  );

/**
 * Whether a named consent id is proven when the request arrives: only when it is the consent id of the sending
 * browser's own consent cookie (one the portal signed). A typed or API-given id alone is a claim; it links nothing
 * until the DPO checks it.
 */
export function consentIdProofAtSubmission(named: string | null, browserConsentId: string | undefined): 'browser' | null {
  return named !== null && browserConsentId !== undefined && named === browserConsentId ? 'browser' : null;
}

type TypeField = (typeof typeFields)[RequestType][number];

/** The fields a request must fill in: its type's, except an objection to direct marketing, which needs neither scope nor grounds. */
export function requiredFields(request: { type: RequestType; objectionTo?: ObjectionTarget | null | undefined }): readonly TypeField[] {
  return request.type === 'objection' && request.objectionTo === 'direct-marketing' ? [] : typeFields[request.type];
}

/** False when the request must fill in `field` and it is empty. */
function typeAsks(
  request: { type: RequestType; objectionTo?: ObjectionTarget | null | undefined } & Partial<Record<TypeField, unknown>>,
  field: TypeField,
): boolean {
  return !requiredFields(request).includes(field) || Boolean(request[field]);
}

function hasKnownType(payload: { value: unknown }): boolean {
  const type = (payload.value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && (requestTypes as readonly string[]).includes(type);
}

/** The fields every request has, however it arrived: the type, the requester's language and name, what was asked. */
const requestFields = {
  type: z.enum(requestTypes),
  locale: z.enum(locales),
  name: requiredText(fieldLimits.name, true),
  customerReference: optionalText(fieldLimits.customerReference, true),
  phone: phoneField,
  details: optionalText(fieldLimits.details, false),
  inaccurateData: optionalText(fieldLimits.inaccurateData, false),
  correctData: optionalText(fieldLimits.correctData, false),
  scope: optionalText(fieldLimits.scope, false),
  grounds: optionalText(fieldLimits.grounds, false),
  /** An objection's target; absent: other processing. */
  objectionTo: z.enum(objectionTargets).nullish(),
  format: z.literal('json').nullish(),
};

type AskedFields = { type: RequestType; objectionTo?: ObjectionTarget | null | undefined; format?: 'json' | null | undefined } & Record<
  TypeField,
  string | null
>;

/**
 * Each type's own fields are required for it. These checks run even when other fields failed (`when`), so the
 * person sees every missing field at once.
 */
function requiringTypeFields<S extends z.ZodType<AskedFields>>(schema: S): S {
  for (const field of ['inaccurateData', 'correctData', 'scope', 'grounds', 'details'] as const) {
    schema = schema.refine((request) => typeAsks(request, field), { path: [field], message: 'required', when: hasKnownType });
  }
  return schema;
}

/**
 * The request with the fields its type does not ask for dropped, and the format only for portability; an objection to
 * direct marketing keeps its target as its scope (a fixed value: no grounds are asked for it).
 */
function keepAskedFields<T extends AskedFields>({ objectionTo, ...request }: T): Omit<T, 'objectionTo'> & { format: 'json' | null } {
  const asked = new Set<string>(typeFields[request.type]);
  const keep = (field: 'inaccurateData' | 'correctData' | 'scope' | 'grounds') => (asked.has(field) ? request[field] : null);
  const toMarketing = request.type === 'objection' && objectionTo === 'direct-marketing';
  return {
    ...request,
    inaccurateData: keep('inaccurateData'),
    correctData: keep('correctData'),
    scope: toMarketing ? directMarketingScope : keep('scope'),
    grounds: keep('grounds'),
    format: request.type === 'portability' ? ('json' as const) : null,
  };
}

/**
 * A data-subject request as the form and `POST /api/requests` submit it (the same field names in both).
 * Per-type fields are required for their type and dropped for the others; `website` is a honeypot that people
 * never see and must stay empty.
 */
export const requestSubmissionSchema = requiringTypeFields(
  z.strictObject({
    ...requestFields,
    email: emailAddressSchema,
    consentId: consentIdField,
    declaration: z.literal(true),
    website: z.string().max(0).nullish(),
  }),
).transform(({ website: _honeypot, ...request }) => keepAskedFields(request));

/** How a request the DPO records reached the organisation. */
export const intakeChannels = ['post', 'phone', 'email'] as const;
export type IntakeChannel = (typeof intakeChannels)[number];

/**
 * A request received by post, phone or email, as the DPO records it: the same fields as the public form (one
 * schema's pieces), the channel and the calendar date it was received (in the organisation's time zone, `today` at the
 * latest). The address is optional for a letter or a call, and required for a request that came by email.
 */
export function requestIntakeSchema(today: string) {
  return requiringTypeFields(
    z.strictObject({
      ...requestFields,
      channel: z.enum(intakeChannels),
      receivedOn: z
        .string()
        .trim()
        .min(1)
        .pipe(z.iso.date())
        .refine((date) => date <= today, { message: 'future' }),
      email: z
        .string()
        .nullish()
        .transform((value) => value?.trim() || null)
        .pipe(emailAddressSchema.nullable()),
    }),
  )
    .refine((request) => request.channel !== 'email' || request.email !== null, { path: ['email'], message: 'required', when: hasKnownChannel })
    .transform((request) => keepAskedFields(request));
}

function hasKnownChannel(payload: { value: unknown }): boolean {
  const channel = (payload.value as { channel?: unknown } | null)?.channel;
  return typeof channel === 'string' && (intakeChannels as readonly string[]).includes(channel);
}

export type RequestIntake = z.output<ReturnType<typeof requestIntakeSchema>>;

export type RequestSubmission = z.output<typeof requestSubmissionSchema>;

/** What went wrong with one field, as a message key under `requests.errors` (and the limit for `tooLong`). */
export interface FieldProblem {
  problem:
    | 'required'
    | 'tooLong'
    | 'email'
    | 'emailScripts'
    | 'type'
    | 'locale'
    | 'consentId'
    | 'phone'
    | 'declaration'
    | 'honeypot'
    | 'channel'
    | 'date'
    | 'future'
    | 'unknownField'
    | 'invalid';
  max?: number;
}

/** The first problem of each field; unknown keys are reported under the key's own name. */
export function fieldProblems(error: z.ZodError): Record<string, FieldProblem> {
  // Keys come from the request body: `__proto__`, `constructor` and `toString` are field names like any other here.
  const problems = new Map<string, FieldProblem>();
  const note = (field: string, problem: () => FieldProblem) => {
    if (!problems.has(field)) problems.set(field, problem());
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) note(key, () => ({ problem: 'unknownField' }));
      continue;
    }
    const field = String(issue.path[0] ?? 'form');
    note(field, () => problemOf(field, issue));
  }
  return Object.fromEntries(problems);
}

function problemOf(field: string, issue: z.core.$ZodIssue): FieldProblem {
  if (field === 'website') return { problem: 'honeypot' };
  if (field === 'declaration') return { problem: 'declaration' };
  if (field === 'type') return { problem: 'type' };
  if (field === 'locale') return { problem: 'locale' };
  if (field === 'channel') return { problem: 'channel' };
  if (field === 'receivedOn') return { problem: issue.message === 'future' ? 'future' : issue.code === 'too_small' || isMissing(issue) ? 'required' : 'date' };
  if (field === 'consentId' && issue.code !== 'invalid_type') return { problem: 'consentId' };
  if (field === 'phone' && issue.code === 'custom') return { problem: 'phone' };
  if (issue.code === 'too_big') return { problem: 'tooLong', max: Number(issue.maximum) };
  if (field === 'email')
    return { problem: issue.code === 'too_small' || isMissing(issue) || issue.message === 'required' ? 'required' : emailProblemOf(issue) };
  if (issue.code === 'too_small' || issue.code === 'custom' || isMissing(issue)) return { problem: 'required' };
  return { problem: 'invalid' };
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && 'input' in issue ? issue.input === undefined : issue.code === 'invalid_type';
}

/**
 * The UI string (under `requests.form`) that labels a field, or explains it with `Help`: scope and grounds read
 * differently for an objection than for an erasure, and the details are the heart of a restriction request.
 */
export function fieldTextKey(field: string, type: RequestType | undefined, part: 'label' | 'help' = 'label'): string {
  const suffix = part === 'help' ? 'Help' : '';
  if (field === 'scope' || field === 'grounds') {
    const capitalised = field === 'scope' ? 'Scope' : 'Grounds';
    return `requests.form.${type === 'objection' ? 'objection' : 'erasure'}${capitalised}${suffix}`;
  }
  if (field === 'details' && type === 'restriction') return `requests.form.restrictionDetails${suffix}`;
  return `requests.form.${field}${suffix}`;
}

// Crockford's base32 without I, L, O, U: nothing to misread when a reference is read out on the phone.
const referenceAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A request reference such as `DSR-2026-7KQ4M2`: the year received and 30 random bits (crypto-grade). */
export function newReference(year: number): string {
  let random = '';
  for (let index = 0; index < 6; index += 1) random += referenceAlphabet[randomInt(referenceAlphabet.length)];
  return `DSR-${year}-${random}`;
}

export const referencePattern = /^DSR-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/;

export function isReference(value: string): boolean {
  return referencePattern.test(value);
}

/** The verification link in the first email is valid for 72 hours and works once. */
export const verificationLifetimeMs = 72 * 60 * 60 * 1000;
/** A completed access or portability request's export can be downloaded for 7 days. */
export const exportLifetimeMs = 7 * 24 * 60 * 60 * 1000;
/**
 * How long an export past its expiry is kept before retention deletes it: the time in which the DPO can renew it for a
 * requester who asks after the 7 days (the same package, not a new one built from what the systems hold by then).
 */
export const expiredExportRenewableMs = 30 * 24 * 60 * 60 * 1000;

/**
 * The token of a request's status page: an HMAC of its reference under the portal secret. Only its hash is stored,
 * and the portal can put the same link in every later email (extension, answer, export) without keeping the token.
 */
export function requestStatusToken(secret: string, reference: string): string {
  return createHmac('sha256', secret).update(`request-status\n${reference}`, 'utf8').digest('base64url');
}

/** What a submitted field says, to show: an objection to direct marketing's fixed scope in the reader's words. */
export function submittedText(
  request: { type: string; scope: string | null } & Partial<Record<SubmittedField, string | null>>,
  field: SubmittedField,
  t: (key: string) => string,
): string {
  if (field === 'scope' && isDirectMarketingObjection(request)) return t('requests.form.objectionToMarketing');
  return request[field] ?? '';
}

/** The optional fields a requester filled in, in the order both the status page and the DPO's page show them. */
export function submittedFields(request: Partial<Record<SubmittedField, string | null>>): SubmittedField[] {
  return submittedFieldOrder.filter((field) => request[field]);
}
const submittedFieldOrder = ['inaccurateData', 'correctData', 'scope', 'grounds', 'details', 'customerReference', 'phone', 'consentId'] as const;
export type SubmittedField = (typeof submittedFieldOrder)[number];
