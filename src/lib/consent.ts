import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { optionalCategories, type Choices } from './consent-cookie.ts';
import { locales } from './locale.ts';

/** Bumped when the banner's behaviour or wording changes in a way visitors must be asked about again. */
export const bannerVersion = '1';

export const consentActions = ['accept-all', 'reject-all', 'custom', 'withdraw', 'gpc'] as const;
export type ConsentAction = (typeof consentActions)[number];
export const consentSources = ['banner', 'preferences', 'gpc', 'api'] as const;
export type ConsentSource = (typeof consentSources)[number];

export const consentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a consent id is 22 base64url characters');
export const revisionSchema = z.string().regex(/^\d{1,6}-[0-9a-f]{8}$/, 'a revision such as 2-1a2b3c4d');

const choicesSchema = z.strictObject({ preferences: z.boolean(), analytics: z.boolean(), marketing: z.boolean() });

/** A decision as the banner or an integrator posts it to /api/consent. */
export const consentDecisionSchema = z
  .strictObject({
    site: z.string().regex(/^[a-z0-9-]{1,40}$/, 'a site id'),
    consentId: consentIdSchema.optional(),
    action: z.enum(consentActions),
    source: z.enum(['banner', 'api']).default('api'),
    locale: z.enum(locales),
    revision: revisionSchema,
    bannerVersion: z.string().regex(/^[0-9A-Za-z.-]{1,20}$/),
    choices: choicesSchema,
  })
  .superRefine((decision, context) => {
    const problem = choicesProblem(decision.action, decision.choices);
    if (problem) context.addIssue({ code: 'custom', path: ['choices'], message: problem });
  });
export type ConsentDecisionInput = z.infer<typeof consentDecisionSchema>;

/** Accept-all grants every optional category; reject-all, withdraw and gpc grant none; custom grants any. */
export function choicesProblem(action: ConsentAction, choices: Choices): string | undefined {
  const granted = optionalCategories.filter((category) => choices[category]);
  if (action === 'accept-all' && granted.length !== optionalCategories.length) return 'accept-all grants every category';
  if ((action === 'reject-all' || action === 'withdraw' || action === 'gpc') && granted.length > 0) {
    return `${action} grants no optional category`;
  }
  return undefined;
}

/** The fields of a consent record that its hash covers, in a fixed order. */
export interface ConsentRecordFields {
  consentId: string;
  siteId: string;
  origin: string;
  recordedAt: number;
  action: ConsentAction;
  source: ConsentSource;
  preferences: boolean;
  analytics: boolean;
  marketing: boolean;
  locale: string;
  policyDocument: string;
  policyVersion: number;
  textHash: string;
  bannerVersion: string;
  revision: string;
  expiresAt: number;
  gpcSignal: boolean;
}

export const genesisHash = '0'.repeat(64);

/** The chain link of a record: SHA-256 over the previous record's hash and this record's fields. */
export function hashConsentRecord(previousHash: string, fields: ConsentRecordFields): string {
  const canonical = JSON.stringify([
    fields.consentId,
    fields.siteId,
    fields.origin,
    fields.recordedAt,
    fields.action,
    fields.source,
    fields.preferences,
    fields.analytics,
    fields.marketing,
    fields.locale,
    fields.policyDocument,
    fields.policyVersion,
    fields.textHash,
    fields.bannerVersion,
    fields.revision,
    fields.expiresAt,
    fields.gpcSignal,
  ]);
  return createHash('sha256').update(`${previousHash}\n${canonical}`, 'utf8').digest('hex');
}

/** SHA-256 naming the exact words a visitor saw: the policy text's hash and the banner strings of their locale. */
export function hashShownText(policyTextHash: string, bannerStrings: unknown): string {
  return createHash('sha256')
    .update(`${policyTextHash}\n${JSON.stringify(bannerStrings)}`, 'utf8')
    .digest('hex');
}

/** A new random consent id: 128 bits, base64url. */
export function newConsentId(): string {
  return randomBytes(16).toString('base64url');
}

/** When a choice made at `recordedAt` expires. */
export function consentExpiry(recordedAt: number, lifetimeDays: number): number {
  return recordedAt + lifetimeDays * 24 * 60 * 60 * 1000;
}

/** The hash format new records are written in (consent_records.hash_version). */
export const currentHashVersion = 2;

/** What a stored record says about how its hash was made. */
export interface RecordHashFields {
  hashVersion: number;
  /** Format 2: the commitment's salt, null once erased. */
  consentSalt: string | null;
  /** Format 2: SHA-256 of the salt and the consent id; kept after erasure. */
  consentCommitment: string | null;
}

/** A fresh random salt for a format-2 commitment: 128 bits, base64url. */
export function newConsentSalt(): string {
  return randomBytes(16).toString('base64url');
}

/** The commitment to a consent id: without the salt it reveals nothing, not even to someone who guesses the id. */
export function commitToConsentId(salt: string, consentId: string): string {
  return createHash('sha256').update(`${salt}\n${consentId}`, 'utf8').digest('hex');
}

/**
 * The chain link of a format-2 record: SHA-256 over the previous hash, the format, the commitment to the consent id
 * and every other field. An erasure removes the consent id and the salt, the commitment stays, so the hash still
 * checks the remaining fields without anything that leads back to the person.
 */
export function hashConsentRecordV2(previousHash: string, fields: Omit<ConsentRecordFields, 'consentId'>, commitment: string): string {
  const canonical = JSON.stringify([
    2,
    commitment,
    fields.siteId,
    fields.origin,
    fields.recordedAt,
    fields.action,
    fields.source,
    fields.preferences,
    fields.analytics,
    fields.marketing,
    fields.locale,
    fields.policyDocument,
    fields.policyVersion,
    fields.textHash,
    fields.bannerVersion,
    fields.revision,
    fields.expiresAt,
    fields.gpcSignal,
  ]);
  return createHash('sha256').update(`${previousHash}\n${canonical}`, 'utf8').digest('hex');
}

/** The stored hash fields of a new record, in the current format. */
export function hashNewRecord(previousHash: string, fields: ConsentRecordFields): RecordHashFields & { recordHash: string } {
  const consentSalt = newConsentSalt();
  const consentCommitment = commitToConsentId(consentSalt, fields.consentId);
  return { hashVersion: currentHashVersion, consentSalt, consentCommitment, recordHash: hashConsentRecordV2(previousHash, fields, consentCommitment) };
}

export type ChainBreakReason =
  | 'previous hash does not match'
  | 'record hash does not match its fields'
  | 'remaining fields of an erased record changed'
  | 'consent id does not match its commitment'
  | 'unknown hash format';

export interface ChainBreak {
  id: number;
  consentId: string;
  reason: ChainBreakReason;
}

/** The value an erasure leaves in place of a consent id. */
export const erasedConsentId = 'erased';

export type ChainedRecord = ConsentRecordFields &
  Partial<RecordHashFields> & { id: number; previousHash: string; recordHash: string; erasedAt?: number | null };

export const isErasedRecord = (record: Pick<ChainedRecord, 'erasedAt' | 'consentId'>): boolean =>
  record.erasedAt !== undefined && record.erasedAt !== null && record.consentId === erasedConsentId;

/**
 * What is wrong with a record's own hash, if anything (its link to the previous record is the walk's to check). A
 * format-1 record that was erased lost a field its hash covers: it cannot be checked and passes; a format-2 one can.
 */
export function recordHashProblem(record: ChainedRecord): ChainBreakReason | undefined {
  const version = record.hashVersion ?? 1;
  const erased = isErasedRecord(record);
  if (version === 1) {
    if (erased) return undefined;
    return hashConsentRecord(record.previousHash, record) === record.recordHash ? undefined : 'record hash does not match its fields';
  }
  if (version !== 2 || !record.consentCommitment) return 'unknown hash format';
  if (hashConsentRecordV2(record.previousHash, record, record.consentCommitment) !== record.recordHash) {
    return erased ? 'remaining fields of an erased record changed' : 'record hash does not match its fields';
  }
  if (erased) return undefined;
  return record.consentSalt && commitToConsentId(record.consentSalt, record.consentId) === record.consentCommitment
    ? undefined
    : 'consent id does not match its commitment';
}

export interface ChainCheck {
  checked: number;
  /** Records anonymised by an erasure request: their link to the previous record is checked, and in format 2 their remaining fields. */
  erased: number;
  firstBreak?: ChainBreak;
}

/**
 * Where the remaining chain starts: at the genesis hash, or, once retention removed the oldest records, at the hash
 * of the last record removed (its latest checkpoint).
 */
export interface ChainStart {
  previousHash: string;
  /** The id of the last record removed by retention; 0 when none was. */
  afterId: number;
  /** How many records retention removed, over all its runs. */
  removed: number;
}

export const chainGenesis: ChainStart = { previousHash: genesisHash, afterId: 0, removed: 0 };

/** Walks records in id order from `start` and names the first one whose link or own hash is broken, if any. */
export async function findChainBreak(records: Iterable<ChainedRecord> | AsyncIterable<ChainedRecord>, start: ChainStart = chainGenesis): Promise<ChainCheck> {
  let expectedPrevious = start.previousHash;
  let checked = 0;
  let erased = 0;
  for await (const record of records) {
    checked += 1;
    if (record.previousHash !== expectedPrevious) {
      return { checked, erased, firstBreak: { id: record.id, consentId: record.consentId, reason: 'previous hash does not match' } };
    }
    if (isErasedRecord(record)) erased += 1;
    const problem = recordHashProblem(record);
    if (problem) return { checked, erased, firstBreak: { id: record.id, consentId: record.consentId, reason: problem } };
    expectedPrevious = record.recordHash;
  }
  return { checked, erased };
}
