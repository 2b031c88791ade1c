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
  return createHash('sha256').update(`${policyTextHash}\n${JSON.stringify(bannerStrings)}`, 'utf8').digest('hex');
}

/** A new random consent id: 128 bits, base64url. */
export function newConsentId(): string {
  return randomBytes(16).toString('base64url');
}

/** When a choice made at `recordedAt` expires. */
export function consentExpiry(recordedAt: number, lifetimeDays: number): number {
  return recordedAt + lifetimeDays * 24 * 60 * 60 * 1000;
}

export interface ChainBreak {
  id: number;
  consentId: string;
  reason: 'previous hash does not match' | 'record hash does not match its fields';
}

/** The value an erasure leaves in place of a consent id. */
export const erasedConsentId = 'erased';

export interface ChainCheck {
  checked: number;
  /** Records anonymised by an erasure request: their link to the previous record is checked, their fields cannot be. */
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

/**
 * Walks records in id order from `start` and names the first one whose link is broken, if any. An erased record
 * keeps its hashes, so the chain still runs through it; only its own field hash is no longer recomputable.
 */
export function findChainBreak(
  records: Iterable<ConsentRecordFields & { id: number; previousHash: string; recordHash: string; erasedAt?: number | null }>,
  start: ChainStart = chainGenesis,
): ChainCheck {
  let expectedPrevious = start.previousHash;
  let checked = 0;
  let erased = 0;
  for (const record of records) {
    checked += 1;
    if (record.previousHash !== expectedPrevious) {
      return { checked, erased, firstBreak: { id: record.id, consentId: record.consentId, reason: 'previous hash does not match' } };
    }
    const isErased = record.erasedAt !== undefined && record.erasedAt !== null && record.consentId === erasedConsentId;
    if (isErased) erased += 1;
    else if (hashConsentRecord(record.previousHash, record) !== record.recordHash) {
      return { checked, erased, firstBreak: { id: record.id, consentId: record.consentId, reason: 'record hash does not match its fields' } };
    }
    expectedPrevious = record.recordHash;
  }
  return { checked, erased };
}
