// The PostgreSQL baseline for the consent POST rows of `npm run bench`: a bare node:http server doing one `pg` insert
// of a consent record per POST into the portal's own table (DATABASE_URL, migrated here with the committed
// PostgreSQL migrations, so indexes and append-only triggers are the same), on a pool as large as the portal's.
import { migratePostgresDatabase, openPostgresDatabase } from '../../db/postgres/connection.ts';
import { serveConsentInserts } from './baseline-consent-http.ts';

const db = openPostgresDatabase(process.env.DATABASE_URL ?? '');
await migratePostgresDatabase(db);
const pool = db.$client;
const zeros = '0'.repeat(64);
const insert = `insert into consent_records (consent_id, site_id, origin, recorded_at, action, source, preferences, analytics, marketing,
     locale, policy_document, policy_version, text_hash, banner_version, revision, expires_at, gpc_signal, previous_hash, record_hash)
   values ($1, $2, $3, $4, $5, 'banner', $6, $7, $8, $9, 'privacy-notice', 2, $10, $11, $12, $13, false, $14, $15)`;

serveConsentInserts(async (decision) => {
  await pool.query(insert, [
    decision.consentId,
    decision.site,
    decision.origin,
    decision.recordedAt,
    decision.action,
    decision.preferences,
    decision.analytics,
    decision.marketing,
    decision.locale,
    zeros,
    decision.bannerVersion,
    decision.revision,
    decision.recordedAt + 1000,
    zeros,
    zeros,
  ]);
});
