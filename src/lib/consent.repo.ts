import { asc, desc, eq } from 'drizzle-orm';
import type { PortalDatabase } from '../../db/connection.ts';
import { consentRecords } from '../../db/schema.ts';
import { genesisHash, hashConsentRecord, type ConsentRecordFields } from './consent.ts';

export type ConsentRecord = typeof consentRecords.$inferSelect;

/**
 * Appends one decision to the chain. The previous hash is read and the record written inside one IMMEDIATE
 * transaction, so concurrent writers (other connections, other processes) can never fork the chain.
 */
export function appendConsentRecord(db: PortalDatabase, fields: ConsentRecordFields): ConsentRecord {
  return db.transaction(
    (tx) => {
      const last = tx.select({ recordHash: consentRecords.recordHash }).from(consentRecords).orderBy(desc(consentRecords.id)).limit(1).get();
      const previousHash = last?.recordHash ?? genesisHash;
      return tx
        .insert(consentRecords)
        .values({ ...fields, previousHash, recordHash: hashConsentRecord(previousHash, fields) })
        .returning()
        .get();
    },
    { behavior: 'immediate' },
  );
}

/** Every record of one consent id, oldest first. */
export function consentHistory(db: PortalDatabase, consentId: string): ConsentRecord[] {
  return db.select().from(consentRecords).where(eq(consentRecords.consentId, consentId)).orderBy(asc(consentRecords.id)).all();
}

interface RawRecord extends Omit<ConsentRecord, 'preferences' | 'analytics' | 'marketing' | 'gpcSignal'> {
  preferences: number;
  analytics: number;
  marketing: number;
  gpcSignal: number;
}

/** Every record in chain order, streamed so a million records never sit in memory at once. */
export function* allConsentRecords(db: PortalDatabase): Generator<ConsentRecord> {
  const statement = db.$client.prepare(
    `select id, consent_id as consentId, site_id as siteId, origin, recorded_at as recordedAt, action, source,
            preferences, analytics, marketing, locale, policy_document as policyDocument,
            policy_version as policyVersion, text_hash as textHash, banner_version as bannerVersion, revision,
            expires_at as expiresAt, gpc_signal as gpcSignal, previous_hash as previousHash, record_hash as recordHash
       from consent_records order by id`,
  );
  for (const row of statement.iterate() as IterableIterator<RawRecord>) {
    yield {
      ...row,
      preferences: row.preferences === 1,
      analytics: row.analytics === 1,
      marketing: row.marketing === 1,
      gpcSignal: row.gpcSignal === 1,
    };
  }
}
