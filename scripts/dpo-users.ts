// `npm run dpo:users -- list`
// `npm run dpo:users -- disable|enable|remove|revoke-sessions --email <address>`
// The operator's view of the DPO accounts and the answers to an incident: disable an account (it can no longer sign
// in; its sessions end), enable it again, remove it (its sessions first), or end its sessions only. Every change is
// an audit event naming the operator (`cli:<os user>`). Nothing secret is printed: no hash, no second-factor
// secret, no session token. An unknown account exits 1 and changes nothing.
import { openMigratedStore } from '../db/connection.ts';
import {
  disableDpoAccount,
  enableDpoAccount,
  listDpoAccounts,
  removeDpoAccount,
  revokeDpoSessions,
  type DpoAccountSummary,
} from '../src/lib/dpo-accounts.repo.ts';
import { emailAddressSchema } from '../src/lib/email-address.ts';
import { fail, operatorActor, readCommandLine, environmentOrExit } from './support/cli.ts';

const usage =
  'Usage: npm run dpo:users -- list | disable --email <address> | enable --email <address> | remove --email <address> | revoke-sessions --email <address>';
const commands = ['list', 'disable', 'enable', 'remove', 'revoke-sessions'] as const;
type Command = (typeof commands)[number];

const { values, positionals } = readCommandLine(usage, { email: { type: 'string' } });
const command = positionals[0];
if (positionals.length !== 1 || !commands.includes(command as Command)) fail(usage);
const email = command === 'list' ? undefined : emailAddressSchema.safeParse((values.email ?? '').toLowerCase());
if (email && !email.success) fail(`${command} needs --email <address>.\n${usage}`);

const environment = environmentOrExit();
const store = await openMigratedStore(environment);
const by = { actor: operatorActor(), now: Date.now() };

const isoDate = (at: number) => new Date(at).toISOString().slice(0, 16).replace('T', ' ');
const describe = (account: DpoAccountSummary) =>
  [
    account.email,
    account.locale,
    `second factor: ${account.secondFactor ? 'yes' : 'no'}`,
    account.disabledAt === null ? 'active' : `disabled since ${isoDate(account.disabledAt)} UTC`,
    `sessions: ${account.liveSessions}`,
    `created ${isoDate(account.createdAt)} UTC`,
  ].join('  ');

/** Runs one command on `address`; the message to print, or undefined when no account has that address. */
async function run(address: string): Promise<string | undefined> {
  switch (command as Exclude<Command, 'list'>) {
    case 'disable': {
      const done = await disableDpoAccount(store, address, by);
      return done && (done.changed ? `Disabled ${address}; ${done.sessionsEnded} session(s) ended.` : `${address} was disabled already.`);
    }
    case 'enable': {
      const done = await enableDpoAccount(store, address, by);
      return done && (done.changed ? `Enabled ${address}: it can sign in again.` : `${address} was not disabled.`);
    }
    case 'remove': {
      const done = await removeDpoAccount(store, address, by);
      return done && `Removed ${address}; ${done.sessionsEnded} session(s) ended. The request trails keep its name.`;
    }
    case 'revoke-sessions': {
      const done = await revokeDpoSessions(store, address, by);
      return done && `Ended ${done.sessionsEnded} session(s) of ${address}.`;
    }
  }
}

if (command === 'list') {
  const accounts = await store.read((db) => listDpoAccounts(db, by.now));
  await store.close();
  console.log(accounts.length === 0 ? 'No DPO account yet: create one with npm run dpo:create-user.' : accounts.map(describe).join('\n'));
} else {
  const address = email?.data ?? '';
  const message = await run(address);
  await store.close();
  if (message === undefined) fail(`No DPO account for ${address}; nothing was changed.`);
  console.log(message);
}
