// `npm run consent:verify`: walks the whole consent-record chain and names the first broken record, if any. After
// retention removed the oldest records, the chain is checked from the latest retention checkpoint.
import { migrateDatabase, openDatabase } from '../db/connection.ts';
import { verifyConsentChain } from '../src/lib/consent.repo.ts';
import { readEnvironment } from '../src/lib/environment.ts';

const environment = readEnvironment(process.env);
const db = openDatabase(environment.DATABASE_PATH);
migrateDatabase(db);
const started = performance.now();
const { checked, erased, firstBreak, start } = verifyConsentChain(db);
const seconds = ((performance.now() - started) / 1000).toFixed(2);
db.$client.close();

if (firstBreak) {
  console.error(
    `Consent chain BROKEN at record #${firstBreak.id} (consent id ${firstBreak.consentId}): ${firstBreak.reason}. ` +
      `${checked - 1} records before it verify.`,
  );
  process.exit(1);
}
const erasedNote = erased ? `; ${erased} of them anonymised by erasure requests (their links verified, their fields gone)` : '';
const retentionNote = start.removed
  ? `; ${start.removed} older records (up to #${start.afterId}) removed by retention, the chain checked from their checkpoint`
  : '';
console.log(`Consent chain intact: ${checked} records verified in ${seconds} s${erasedNote}${retentionNote} (${environment.DATABASE_PATH}).`);
