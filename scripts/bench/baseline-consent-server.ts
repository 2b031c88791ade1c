// The SQLite baseline for the consent POST rows of `npm run bench`: a bare node:http server doing the same
// better-sqlite3 insert of a consent record (same database settings, same table) per POST.
import { migrateDatabase, openDatabase } from '../../db/connection.ts';
import { serveConsentInserts } from './baseline-consent-http.ts';

const db = openDatabase(process.env.DATABASE_PATH ?? ':memory:');
migrateDatabase(db);
const insert = db.$client.prepare(
  `insert into consent_records (consent_id, site_id, origin, recorded_at, action, source, preferences, analytics, marketing,
     locale, policy_document, policy_version, text_hash, banner_version, revision, expires_at, gpc_signal, previous_hash, record_hash)
   values (?, ?, ?, ?, ?, 'banner', ?, ?, ?, ?, 'privacy-notice', 2, ?, ?, ?, ?, 0, ?, ?)`,
);
const zeros = '0'.repeat(64);

serveConsentInserts((decision) => {
  insert.run(
    decision.consentId,
    decision.site,
    decision.origin,
    decision.recordedAt,
    decision.action,
    Number(decision.preferences),
    Number(decision.analytics),
    Number(decision.marketing),
    decision.locale,
    zeros,
    decision.bannerVersion,
    decision.revision,
    decision.recordedAt + 1000,
    zeros,
    zeros,
  );
});
