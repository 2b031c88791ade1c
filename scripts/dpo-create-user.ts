// `npm run dpo:create-user -- --email <address> [--locale el|bg|nl|pl] [--totp]`
// `npm run dpo:create-user -- --email <address> --reset [--totp | --remove-totp]`
// Makes a DPO account or, with --reset, sets a new password and ends every session of the account. The password
// comes from DPO_PASSWORD or is asked for without echo; it is stored only as an scrypt hash. With --totp a second
// factor is set up (on a reset: replaced) and its secret printed once, as an otpauth:// URI for an authenticator
// app; a reset keeps the second factor unless --remove-totp is given. There is no default account. Every change is
// an audit event naming the operator.
import { createInterface } from 'node:readline';
import { openMigratedStore, storeName } from '../db/connection.ts';
import { createDpoAccount, resetDpoPassword, type SecondFactorChange } from '../src/lib/dpo-accounts.repo.ts';
import { findDpoUser } from '../src/lib/dpo.repo.ts';
import { isLocale } from '../src/lib/locale.ts';
import { emailAddressSchema } from '../src/lib/email-address.ts';
import { hashPassword, maxPasswordLength, minPasswordLength } from '../src/lib/password.ts';
import { seal } from '../src/lib/secret-box.ts';
import { newTotpSecret, totpUri } from '../src/lib/totp.ts';
import { fail, operatorActor, readCommandLine, environmentOrExit } from './support/cli.ts';
import { readOrganisation } from './support/content.ts';
import { readPortalSecret } from '../src/lib/portal-secret.ts';

const organisation = readOrganisation();
const usage = 'Usage: npm run dpo:create-user -- --email <address> [--locale el|bg|nl|pl] [--totp] [--reset [--remove-totp]]';

const { values } = readCommandLine(usage, {
  email: { type: 'string' },
  locale: { type: 'string' },
  totp: { type: 'boolean' },
  reset: { type: 'boolean' },
  'remove-totp': { type: 'boolean' },
});
const email = emailAddressSchema.safeParse((values.email ?? '').toLowerCase());
if (!email.success) fail(usage);
const locale = values.locale ?? organisation.defaultLocale;
if (!isLocale(locale)) fail(`--locale must be one of el, bg, nl, pl (not "${locale}").`);
if (values['remove-totp'] && !values.reset) fail('--remove-totp only goes with --reset; nothing was changed.');
if (values['remove-totp'] && values.totp) fail('--totp (a new second factor) and --remove-totp (none) exclude each other; nothing was changed.');

/** Reads a line from the terminal without showing it (or from a pipe). */
function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = process.stdin.isTTY === true;
    const reader = createInterface({ input: process.stdin, output: process.stdout, terminal });
    if (terminal) {
      const write = reader as unknown as { _writeToOutput: (text: string) => void };
      write._writeToOutput = (text: string) => {
        if (text.includes(question)) process.stdout.write(text);
      };
    }
    reader.question(question, (answer) => {
      reader.close();
      if (terminal) process.stdout.write('\n');
      resolve(answer);
    });
  });
}

const environment = environmentOrExit();
const store = await openMigratedStore(environment);
// Checked before the password is asked for, so a mistyped address costs no typing.
const existing = await store.read((db) => findDpoUser(db, email.data));
if (existing && !values.reset) fail(`A DPO account for ${email.data} exists already; use --reset to set a new password.`);
if (!existing && values.reset) fail(`No DPO account for ${email.data}; leave out --reset to create it. Nothing was changed.`);

let password = process.env.DPO_PASSWORD;
if (password === undefined) {
  password = await ask('Password (at least 12 characters): ');
  if (process.stdin.isTTY && (await ask('Repeat the password: ')) !== password) fail('The passwords differ; nothing was changed.');
}
if (password.length < minPasswordLength || password.length > maxPasswordLength)
  fail(`The password must have ${minPasswordLength} to ${maxPasswordLength} characters; nothing was changed.`);

const secret = values.totp ? newTotpSecret() : null;
const sealed = secret ? seal(secret, readPortalSecret(environment), 'totp') : null;
const passwordHash = await hashPassword(password);
const by = { actor: operatorActor(), now: Date.now() };
if (existing) {
  const secondFactor: SecondFactorChange = sealed
    ? { change: 'replaced', sealedSecret: sealed }
    : values['remove-totp']
      ? { change: 'removed' }
      : { change: 'kept' };
  const reset = await resetDpoPassword(store, email.data, passwordHash, secondFactor, by);
  await store.close();
  if (!reset) fail(`No DPO account for ${email.data} any more; nothing was changed.`);
  const factor = { kept: 'second factor kept', removed: 'second factor removed', replaced: 'new second factor below' }[secondFactor.change];
  console.log(`New password set for ${email.data} (${storeName(environment)}); ${factor}; ${reset.sessionsEnded} session(s) ended.`);
} else {
  await createDpoAccount(store, { email: email.data, passwordHash, totpSecret: sealed, locale }, by);
  await store.close();
  console.log(`DPO account created: ${email.data} (${storeName(environment)}).`);
}
if (secret) {
  console.log(`Second factor: add this to an authenticator app (shown once):\n  ${totpUri(secret, email.data, organisation.shortName)}\n  secret ${secret}`);
}
