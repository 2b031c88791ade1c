// `npm run dpo:create-user -- --email <address> [--locale el|bg|nl|pl] [--totp] [--reset]`
// Makes a DPO account (or, with --reset, sets a new password). The password comes from DPO_PASSWORD or is asked for
// without echo; it is stored only as an scrypt hash. With --totp a second factor is set up and its secret printed
// once, as an otpauth:// URI for an authenticator app. There is no default account.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase } from '../db/connection.ts';
import { createDpoUser, findDpoUser, updateDpoPassword } from '../src/lib/dpo.repo.ts';
import { readEnvironment } from '../src/lib/environment.ts';
import { isLocale } from '../src/lib/locale.ts';
import { emailAddressSchema } from '../src/lib/email-address.ts';
import { hashPassword, maxPasswordLength, minPasswordLength } from '../src/lib/password.ts';
import { seal } from '../src/lib/secret-box.ts';
import { newTotpSecret, totpUri } from '../src/lib/totp.ts';
import { readOrganisation } from './support/content.ts';
import { getPortalSecret } from '../src/server/secret.ts';

const organisation = readOrganisation();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values } = parseArgs({
  options: { email: { type: 'string' }, locale: { type: 'string' }, totp: { type: 'boolean' }, reset: { type: 'boolean' } },
});
const email = emailAddressSchema.safeParse((values.email ?? '').toLowerCase());
if (!email.success) fail('Usage: npm run dpo:create-user -- --email <address> [--locale el|bg|nl|pl] [--totp] [--reset]');
const locale = values.locale ?? organisation.defaultLocale;
if (!isLocale(locale)) fail(`--locale must be one of el, bg, nl, pl (not "${locale}").`);

/** Reads a line from the terminal without showing it (or from a pipe). */
function ask(question: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = process.stdin.isTTY === true;
    const reader = createInterface({ input: process.stdin, output: process.stdout, terminal });
    if (terminal) {
      const write = (reader as unknown as { _writeToOutput: (text: string) => void });
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

let password = process.env.DPO_PASSWORD;
if (password === undefined) {
  password = await ask('Password (at least 12 characters): ');
  if (process.stdin.isTTY && (await ask('Repeat the password: ')) !== password) fail('The passwords differ; nothing was changed.');
}
if (password.length < minPasswordLength || password.length > maxPasswordLength) fail(`The password must have ${minPasswordLength} to ${maxPasswordLength} characters; nothing was changed.`);

const environment = readEnvironment(process.env);
const db = openDatabase(environment.DATABASE_PATH);
migrateDatabase(db);
const existing = findDpoUser(db, email.data);
if (existing && !values.reset) fail(`A DPO account for ${email.data} exists already; use --reset to set a new password.`);
const secret = values.totp ? newTotpSecret() : null;
const sealed = secret ? seal(secret, getPortalSecret(), 'totp') : null;
const passwordHash = await hashPassword(password);
if (existing) updateDpoPassword(db, email.data, passwordHash, sealed);
else createDpoUser(db, { email: email.data, passwordHash, totpSecret: sealed, locale, now: Date.now() });
db.$client.close();

console.log(`${existing ? 'New password set for' : 'DPO account created:'} ${email.data} (${environment.DATABASE_PATH}).`);
if (secret) {
  console.log(`Second factor: add this to an authenticator app (shown once):\n  ${totpUri(secret, email.data, organisation.shortName)}\n  secret ${secret}`);
}
