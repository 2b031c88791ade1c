// `npm run dpo:reminders`: emails every enabled DPO account a digest of the open requests that are overdue or due
// within 7 days, in the DPO's own language. Meant for cron (once each morning); sends nothing when nothing needs
// attention. Exit status 1 when an email could not be sent, so cron reports it.
import { resolve } from 'node:path';
import { openMigratedStore } from '../db/connection.ts';
import { portalHosts } from '../src/lib/canonical-origin.ts';
import { localDate } from '../src/lib/deadline.ts';
import { enabledDpoUsers } from '../src/lib/dpo.repo.ts';
import { digestEmail, requestsNeedingAttention } from '../src/lib/dpo-digest.ts';
import { createTranslator } from '../src/lib/i18n.ts';
import { isLocale, type Locale } from '../src/lib/locale.ts';
import { createMailer } from '../src/lib/mailer.ts';
import { readMessages, readOrganisation } from './support/content.ts';
import { environmentOrExit } from './support/cli.ts';

const organisation = readOrganisation();
const environment = environmentOrExit();
const store = await openMigratedStore(environment);

const now = Date.now();
const today = localDate(now, organisation.timeZone);
const { overdue, dueSoon, dpos } = await store.read(async (db) => ({
  ...(await requestsNeedingAttention(db, today)),
  // A disabled account gets no digest: it names requests someone who may no longer work here should not see.
  dpos: await enabledDpoUsers(db),
}));
await store.close();

if (overdue.length + dueSoon.length === 0) {
  console.log(`Nothing is overdue or due within 7 days (${today}); no reminder sent.`);
  process.exit(0);
}
if (dpos.length === 0) {
  console.error(
    `${overdue.length} overdue and ${dueSoon.length} due within 7 days, but no enabled DPO account exists: create one with npm run dpo:create-user.`,
  );
  process.exit(1);
}

const mailer = createMailer({
  from: environment.MAIL_FROM ?? `${organisation.shortName} <${organisation.privacyEmail}>`,
  smtpUrl: environment.SMTP_URL,
  outboxDir: resolve(environment.OUTBOX_DIR),
});
const { origin } = portalHosts(environment);
let failed = 0;
for (const dpo of dpos) {
  const locale: Locale = isLocale(dpo.locale) ? dpo.locale : organisation.defaultLocale;
  const t = createTranslator(locale, readMessages(locale));
  try {
    await mailer.send(
      digestEmail({
        t,
        locale,
        to: dpo.email,
        today,
        now,
        timeZone: organisation.timeZone,
        overdue,
        dueSoon,
        inboxUrl: `${origin}/dpo?status=open`,
        organisation: organisation.legalName,
      }),
    );
  } catch (error) {
    failed += 1;
    console.error(`A reminder could not be sent (DPO account #${dpo.id}): ${error instanceof Error ? error.name : 'unknown error'}.`);
  }
}
console.log(
  `Reminder sent to ${dpos.length - failed} of ${dpos.length} DPO accounts: ${overdue.length} overdue, ${dueSoon.length} due within 7 days (${today}).`,
);
process.exit(failed ? 1 : 0);
