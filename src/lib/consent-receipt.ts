import type { ConsentRecord } from '../../db/rows.ts';
import type { Anchor } from './chain-head.ts';
import { optionalCategories, type OptionalCategory } from './consent-cookie.ts';
import { describeController, type Organisation } from './organisation.ts';

/** How a record appears in an API answer or a receipt: ISO timestamps, categories granted and denied. */
export function describeRecord(record: ConsentRecord) {
  return {
    recordedAt: new Date(record.recordedAt).toISOString(),
    action: record.action,
    source: record.source,
    site: record.siteId,
    origin: record.origin,
    locale: record.locale,
    granted: ['necessary', ...grantedCategories(record)],
    denied: optionalCategories.filter((category) => !record[category]),
    policy: { document: record.policyDocument, version: record.policyVersion, textHash: record.textHash },
    bannerVersion: record.bannerVersion,
    revision: record.revision,
    expiresAt: new Date(record.expiresAt).toISOString(),
    gpcSignal: record.gpcSignal,
    recordHash: record.recordHash,
  };
}

/**
 * A record in a receipt, with what recomputes its hash: its place in the chain, the hash before it, its format and
 * (format 2) its commitment and salt. The salt only here, in the person's own copy: with it they can show later, even
 * after an erasure removed it from the database, that a record in the chain is theirs.
 */
function describeChainedRecord(record: ConsentRecord) {
  return {
    ...describeRecord(record),
    recordId: record.id,
    hashFormat: record.hashVersion,
    previousHash: record.previousHash,
    consentCommitment: record.consentCommitment,
    consentSalt: record.consentSalt,
  };
}

/** Where a receipt's records stand in the signed chain: the latest anchored head and where its public key is. */
export interface ChainProof {
  anchoredHead: Anchor | null;
  publicKeyUrl: string;
}

export function grantedCategories(record: Pick<ConsentRecord, OptionalCategory>): OptionalCategory[] {
  return optionalCategories.filter((category) => record[category]);
}

export interface ReceiptInput {
  records: readonly ConsentRecord[];
  organisation: Organisation;
  /** The portal's origin, for links back to the policy. */
  portalOrigin: string;
  /** Names and descriptions of the categories in the locale of the latest decision. */
  purposes: Record<'necessary' | OptionalCategory, { name: string; description: string }>;
  issuedAt: Date;
  chain: ChainProof;
}

/**
 * A consent receipt in the spirit of ISO/IEC TS 27560: who the controller is, which purposes were granted or denied,
 * when, how, under which policy version and text, with the full history of the consent id.
 */
export function buildConsentReceipt({ records, organisation, portalOrigin, purposes, issuedAt, chain }: ReceiptInput) {
  const latest = records.at(-1);
  const first = records[0];
  if (!latest || !first) throw new Error('a receipt needs at least one record');
  return {
    receiptVersion: '1.0',
    receiptType: 'cookie-consent',
    issuedAt: issuedAt.toISOString(),
    consentId: latest.consentId,
    controller: describeController(organisation),
    policy: {
      document: latest.policyDocument,
      version: latest.policyVersion,
      url: `${portalOrigin}/${latest.locale}/policies/${latest.policyDocument}/v/${latest.policyVersion}`,
      textHash: latest.textHash,
    },
    purposes: [
      {
        category: 'necessary',
        ...purposes.necessary,
        legalBasis: 'strictly necessary (ePrivacy Directive art. 5(3))',
        status: 'always-active',
      },
      ...optionalCategories.map((category) => ({
        category,
        ...purposes[category],
        legalBasis: 'consent (GDPR art. 6(1)(a))',
        status: latest[category] ? 'granted' : 'denied',
      })),
    ],
    granted: ['necessary', ...grantedCategories(latest)],
    denied: optionalCategories.filter((category) => !latest[category]),
    method: latest.source,
    action: latest.action,
    firstRecordedAt: new Date(first.recordedAt).toISOString(),
    lastRecordedAt: new Date(latest.recordedAt).toISOString(),
    expiresAt: new Date(latest.expiresAt).toISOString(),
    site: { id: latest.siteId, origin: latest.origin },
    locale: latest.locale,
    history: records.map(describeChainedRecord),
    chain: {
      recordId: latest.id,
      recordHash: latest.recordHash,
      anchoredHead: chain.anchoredHead,
      /** True once a signed head at or after the latest record exists: from then on the record cannot be cut unnoticed. */
      anchored: chain.anchoredHead !== null && chain.anchoredHead.lastId >= latest.id,
      publicKeyUrl: chain.publicKeyUrl,
    },
  };
}
