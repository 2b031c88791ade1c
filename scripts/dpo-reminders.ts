// `npm run dpo:reminders`: emails every enabled DPO account a digest of the open requests that are overdue or due
// within 7 days and of the open tasks in the systems, in the DPO's own language; and each system owner
// (content/systems.json) one mail, in their language, with the open tasks of their systems and their private links.
// Meant for cron (once each morning); sends nothing when nothing needs attention. Exit status 1 when an email could
// not be sent, so cron reports it. The output names counts, never an address.
import { openMigratedStore } from '../db/connection.ts';
import { localDate } from '../src/lib/deadline.ts';
import { enabledDpoUsers } from '../src/lib/dpo.repo.ts';
import { assignedToOrUnassigned, digestEmail, digestHasNews, requestsNeedingAttention } from '../src/lib/dpo-digest.ts';
import { isLocale, type Locale } from '../src/lib/locale.ts';
import type { OutgoingMail } from '../src/lib/mailer.ts';
import { SystemsRegisterError } from '../src/lib/systems/register.ts';
import { openTasksForDigest, ownerDigestEmail, tasksByOwner } from '../src/lib/systems/task-digest.ts';
import { createPortal, type Portal } from '../src/server/portal.ts';
import { environmentOrExit, fail } from './support/cli.ts';
import { projectRoot } from './support/content.ts';

const environment = environmentOrExit();
const store = await openMigratedStore(environment);
let portal: Portal;
try {
  portal = createPortal(environment, { root: projectRoot, store });
} catch (error) {
  await store.close();
  if (error instanceof SystemsRegisterError) fail(`No reminder sent: ${error.message}`);
  throw error;
}
const { organisation, systems, mailer, translators } = portal;

const now = portal.clock();
const today = localDate(now, organisation.timeZone);
const { overdue, dueSoon, tasks, dpos } = await store.read(async (db) => ({
  ...(await requestsNeedingAttention(db, today)),
  tasks: await openTasksForDigest(db, today),
  // A disabled account gets no digest: it names requests someone who may no longer work here should not see.
  dpos: await enabledDpoUsers(db),
}));
await store.close();

const summary = `${overdue.length} overdue, ${dueSoon.length} due within 7 days, ${tasks.length} open tasks (${today})`;
if (!digestHasNews({ overdue, dueSoon, tasks })) {
  console.log(`Nothing is overdue or due within 7 days and no task is open (${today}); no reminder sent.`);
  process.exit(0);
}

let failed = 0;
async function send(mail: OutgoingMail, who: string): Promise<boolean> {
  try {
    await mailer.send(mail);
    return true;
  } catch (error) {
    failed += 1;
    console.error(`A reminder could not be sent (${who}): ${error instanceof Error ? error.name : 'unknown error'}.`);
    return false;
  }
}

const { origin } = portal.hosts;
if (dpos.length === 0) {
  console.error(`${summary}, but no enabled DPO account exists: create one with npm run dpo:create-user.`);
  failed += 1;
}
let dposReached = 0;
let dposWithNothing = 0;
const enabled = new Set(dpos.map((dpo) => dpo.id));
for (const dpo of dpos) {
  const locale: Locale = isLocale(dpo.locale) ? dpo.locale : organisation.defaultLocale;
  // Each DPO's own requests and the ones nobody has; one with nothing of theirs gets no mail.
  const mine = {
    overdue: assignedToOrUnassigned(overdue, dpo.id, enabled),
    dueSoon: assignedToOrUnassigned(dueSoon, dpo.id, enabled),
    tasks: assignedToOrUnassigned(tasks, dpo.id, enabled),
  };
  if (!digestHasNews(mine)) {
    dposWithNothing += 1;
    continue;
  }
  const mail = digestEmail({
    t: translators.translatorFor(locale),
    locale,
    to: dpo.email,
    today,
    now,
    timeZone: organisation.timeZone,
    ...mine,
    systems,
    processors: organisation.processors,
    origin,
    organisation: organisation.legalName,
  });
  if (await send(mail, `DPO account #${dpo.id}`)) dposReached += 1;
}

const owners = tasksByOwner(tasks, systems);
let ownersReached = 0;
for (const [index, { owner, tasks: theirs }] of owners.entries()) {
  const mail = ownerDigestEmail({
    t: translators.translatorFor(owner.locale),
    owner,
    tasks: theirs,
    systems,
    today,
    now,
    origin,
    portalSecret: portal.secrets.portalSecret(),
    organisation: organisation.legalName,
    dpoEmail: organisation.dpo.email,
  });
  if (await send(mail, `system owner ${index + 1} of ${owners.length}`)) ownersReached += 1;
}

if (dpos.length) {
  const others = dposWithNothing ? ` (${dposWithNothing} with nothing assigned to them or unassigned)` : '';
  console.log(`Reminder sent to ${dposReached} of ${dpos.length - dposWithNothing} DPO accounts${others}: ${summary}.`);
}
console.log(`Task digest sent to ${ownersReached} of ${owners.length} system owners.`);
process.exit(failed ? 1 : 0);
