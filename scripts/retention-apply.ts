// `npm run retention:apply [--dry-run]`: applies the retention periods of content/organisation.json. Deletes the
// oldest consent records that are past their period and expired (behind a checkpoint, so the chain still verifies)
// and anonymises closed requests past theirs, in one short transaction, and records an audit event with the counts.
// Meant for cron (e.g. nightly) and safe while the portal runs. Prints counts and dates only, never personal data.
import { parseArgs } from 'node:util';
import { openMigratedStore, storeName } from '../db/connection.ts';
import { localDate } from '../src/lib/deadline.ts';
import { applyRetention } from '../src/lib/retention.repo.ts';
import { readOrganisation } from './support/content.ts';
import { environmentOrExit } from './support/cli.ts';

function readDryRun(): boolean {
  try {
    return parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } }, strict: true }).values['dry-run'];
  } catch {
    console.error('Usage: npm run retention:apply [-- --dry-run]');
    process.exit(2);
  }
}
const dryRun = readDryRun();
const organisation = readOrganisation();
const environment = environmentOrExit();
const store = await openMigratedStore(environment);

const report = await applyRetention(store, { now: Date.now(), retention: organisation.retention, timeZone: organisation.timeZone, dryRun });
await store.close();

const day = (epochMs: number) => localDate(epochMs, organisation.timeZone);
const { consentRecords, closedRequests, retention, cutoffs } = report;
console.log(dryRun ? 'Dry run: nothing was changed; a run now would do this.' : `Retention applied (audit event #${report.auditEventId}).`);
console.log(
  `Consent records, kept ${retention.consentRecordsMonths} months (recorded before ${day(cutoffs.consentRecords)} and expired): ` +
    `deleted ${consentRecords.deleted}` +
    (consentRecords.upToId === null ? '.' : `, up to record #${consentRecords.upToId}; the chain is verified from that checkpoint.`),
);
console.log(
  `Closed requests, kept ${retention.closedRequestsMonths} months (closed before ${day(cutoffs.closedRequests)}): ` +
    `anonymised ${closedRequests.anonymised}, exports deleted ${closedRequests.exportsDeleted}, ` +
    `audit-event texts removed ${closedRequests.eventDetailsRedacted}.`,
);
console.log(`Exports past their expiry: deleted ${report.expiredExports.deleted}.`);
console.log(`Dates in ${organisation.timeZone}; database ${storeName(environment)}.`);
