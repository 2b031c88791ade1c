// The DPO account commands, as an operator answering an incident uses them: a password reset must not quietly drop
// the second factor, and a reset, a disable or a removal must end the sessions an intruder may hold. Every change is
// an audit event naming the operator; nothing secret is printed. The portal runs on its own database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newToken } from '../../../src/lib/marketing.ts';
import { createRequest } from '../../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../../src/lib/requests.ts';
import { totpCode } from '../../../src/lib/totp.ts';
import { createDpoAccount, type DpoAccount } from '../dpo-account.ts';
import { startPortal, type RunningPortal } from '../portal.ts';
import { outboxMessagesTo } from '../mail.ts';
import { sendRaw, type Answer } from '../raw-http.ts';
import { runScript } from '../scripts.ts';
import { testStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-attack-accounts-'));
const outboxDir = join(dataDir, 'outbox');
const database = await testStoreEnvironment(dataDir);
const env = { ...database.env, OUTBOX_DIR: outboxDir };
let portal: RunningPortal;

beforeAll(async () => {
  portal = await startPortal(env);
});

afterAll(async () => {
  await portal?.stop();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

let addressCounter = 0;
/** Signs in from a fresh address (so no test's failures throttle another); `code` for an account with a second factor. */
function signIn(account: DpoAccount, options: { password?: string; code?: string } = {}): Promise<Answer> {
  addressCounter += 1;
  return sendRaw(portal.baseURL, 'POST', '/dpo/login', {
    form: { email: account.email, password: options.password ?? account.password, code: options.code ?? '' },
    from: `127.0.20.${addressCounter}`,
  });
}

const sessionOf = (answer: Answer) =>
  [answer.headers['set-cookie'] ?? []]
    .flat()
    .find((line) => line.startsWith('portal_dpo='))
    ?.split(';')[0] ?? '';

async function signedInCookie(account: DpoAccount, code?: string): Promise<string> {
  const answer = await signIn(account, code === undefined ? {} : { code });
  expect(answer.status, `${account.email} signs in`).toBe(303);
  return sessionOf(answer);
}

/** Whether a session cookie still opens the inbox (a dead one is sent to the sign-in page). */
async function opensInbox(cookie: string): Promise<boolean> {
  const answer = await sendRaw(portal.baseURL, 'GET', '/dpo', { headers: { Cookie: cookie } });
  if (answer.status === 303) expect(String(answer.headers.location)).toMatch(/^\/dpo\/login/);
  else expect(answer.status).toBe(200);
  return answer.status === 200;
}

const users = (args: string[]) => runScript('scripts/dpo-users.ts', args, env);
const createUser = (args: string[], password: string) => runScript('scripts/dpo-create-user.ts', args, { ...env, DPO_PASSWORD: password });
const step = () => Math.floor(Date.now() / 30_000);

const query = <T>(sql: string, ...parameters: unknown[]) => database.sql.rows<T>(sql, ...parameters);

interface AuditRow {
  actor: string;
  kind: string;
  detail: string;
}
const auditAbout = (email: string) =>
  query<AuditRow>("SELECT actor, kind, detail FROM audit_events WHERE kind LIKE 'dpo-%' AND detail LIKE ? ORDER BY id", `%${email}%`);
const sessionRows = async (email: string) =>
  (await query<{ n: number }>('SELECT count(*) AS n FROM dpo_sessions s JOIN dpo_users u ON u.id = s.user_id WHERE u.email = ?', email))[0]?.n;

/** What no command may print or record: passwords, hashes, TOTP secrets (plain or sealed), session tokens. */
async function expectNoSecrets(text: string, account: DpoAccount, extra: string[] = []): Promise<void> {
  const [stored] = await query<{ password_hash: string; totp_secret: string | null }>(
    'SELECT password_hash, totp_secret FROM dpo_users WHERE email = ?',
    account.email,
  );
  const secrets = [account.password, account.totpSecret, stored?.password_hash, stored?.totp_secret, ...extra].filter((value): value is string =>
    Boolean(value),
  );
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/scrypt\$|otpauth:|portal_dpo=/);
}

describe('dpo:create-user --reset', () => {
  test('without --totp keeps the second factor, ends every session and is recorded', async () => {
    const account = createDpoAccount('reset.keeps@ostria.example', 'el', { totp: true, env });
    const secret = account.totpSecret ?? '';
    const now = step();
    const old = await signedInCookie(account, totpCode(secret, now - 1));
    expect(await opensInbox(old)).toBe(true);

    const newPassword = 'a brand new passphrase for the reset';
    const reset = createUser(['--email', account.email, '--reset'], newPassword);
    expect(reset.status, reset.stderr).toBe(0);
    await expectNoSecrets(reset.stdout + reset.stderr, account, [newPassword]);

    const withoutCode = await signIn(account, { password: newPassword });
    expect(withoutCode.status, 'the new password alone is not enough').toBe(401);
    expect(sessionOf(withoutCode)).toBe('');
    expect(await opensInbox(old), 'the session from before the reset').toBe(false);
    expect((await signIn(account, { password: newPassword, code: totpCode(secret, now) })).status, 'the new password with the same authenticator').toBe(303);

    const events = await auditAbout(account.email);
    expect(events.map((event) => event.kind)).toEqual(['dpo-account-created', 'dpo-account-password-reset']);
    expect(events[1]?.actor).toMatch(/^(?:cli:.+|system:cli)$/);
    expect(JSON.parse(events[1]?.detail ?? '{}')).toMatchObject({ account: account.email, secondFactor: 'kept', sessionsEnded: 1 });
    await expectNoSecrets(JSON.stringify(events), account, [newPassword]);
  });

  test('with --remove-totp removes the second factor; with --totp sets a new one, and the old authenticator stops working', async () => {
    const account = createDpoAccount('reset.factors@ostria.example', 'bg', { totp: true, env });
    const replaced = createUser(['--email', account.email, '--reset', '--totp'], account.password);
    expect(replaced.status, replaced.stderr).toBe(0);
    const newSecret = /secret ([A-Z2-7]{32})/.exec(replaced.stdout)?.[1] ?? '';
    expect(newSecret).not.toBe('');
    expect(newSecret).not.toBe(account.totpSecret);
    expect((await signIn(account, { code: totpCode(account.totpSecret ?? '', step()) })).status).toBe(401);
    expect((await signIn(account, { code: totpCode(newSecret, step()) })).status).toBe(303);

    const removed = createUser(['--email', account.email, '--reset', '--remove-totp'], account.password);
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/second factor/i);
    expect((await signIn(account)).status).toBe(303);
    expect(
      (await auditAbout(account.email)).map((event) => JSON.parse(event.detail) as { secondFactor?: string }).map((detail) => detail.secondFactor),
    ).toEqual([undefined, 'replaced', 'removed']);

    const both = createUser(['--email', account.email, '--reset', '--totp', '--remove-totp'], account.password);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/--totp.*--remove-totp|--remove-totp.*--totp/);
    const withoutReset = createUser(['--email', 'nobody.yet@ostria.example', '--remove-totp'], account.password);
    expect(withoutReset.status).toBe(1);
    expect(await query('SELECT id FROM dpo_users WHERE email = ?', 'nobody.yet@ostria.example')).toEqual([]);
  });
});

describe('npm run dpo:users', () => {
  test('list shows every account, its second factor, whether it is disabled and its live sessions, and no secret', async () => {
    const first = createDpoAccount('list.first@ostria.example', 'pl', { totp: true, env });
    const second = createDpoAccount('list.second@ostria.example', 'nl', { env });
    const cookie = await signedInCookie(second);
    const listed = users(['list']);
    expect(listed.status, listed.stderr).toBe(0);
    const line = (email: string) => listed.stdout.split('\n').find((candidate) => candidate.includes(email)) ?? '';
    expect(line(first.email)).toMatch(/\bpl\b/);
    expect(line(first.email)).toMatch(/second factor: yes/);
    expect(line(second.email)).toMatch(/second factor: no/);
    expect(line(second.email)).toMatch(/sessions: 1\b/);
    expect(line(second.email)).toMatch(/\bactive\b/);
    await expectNoSecrets(listed.stdout + listed.stderr, first);
    await expectNoSecrets(listed.stdout + listed.stderr, second, [cookie.replace('portal_dpo=', '')]);
  });

  test('disable ends the sessions and refuses the right password like a wrong one; enable lets the account back in', async () => {
    const account = createDpoAccount('disable.me@ostria.example', 'el', { env });
    const cookies = [await signedInCookie(account), await signedInCookie(account)];
    const disabled = users(['disable', '--email', 'Disable.Me@ostria.example']);
    expect(disabled.status, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain(account.email);
    expect(await sessionRows(account.email)).toBe(0);
    for (const cookie of cookies) expect(await opensInbox(cookie)).toBe(false);

    const right = await signIn(account);
    const wrong = await signIn(account, { password: 'certainly not the password' });
    expect(right.status).toBe(401);
    expect(sessionOf(right)).toBe('');
    const problem = (answer: Answer) => /data-sign-in-problem="(\w+)"[^>]*>([^<]*)/.exec(answer.body)?.slice(1);
    expect(problem(right)).toEqual(problem(wrong));
    expect(
      users(['list'])
        .stdout.split('\n')
        .find((line) => line.includes(account.email)),
    ).toMatch(/\bdisabled\b/);

    const enabled = users(['enable', '--email', account.email]);
    expect(enabled.status, enabled.stderr).toBe(0);
    expect((await signIn(account)).status).toBe(303);

    const events = await auditAbout(account.email);
    expect(events.map((event) => event.kind)).toEqual(['dpo-account-created', 'dpo-account-disabled', 'dpo-account-enabled']);
    expect(JSON.parse(events[1]?.detail ?? '{}')).toMatchObject({ account: account.email, sessionsEnded: 2 });
    for (const event of events.slice(1)) expect(event.actor).toMatch(/^(?:cli:.+|system:cli)$/);
  });

  test('revoke-sessions ends every session of that account only; the account can sign in again', async () => {
    const account = createDpoAccount('revoke.me@ostria.example', 'nl', { env });
    const other = createDpoAccount('revoke.other@ostria.example', 'nl', { env });
    const cookies = [await signedInCookie(account), await signedInCookie(account)];
    const otherCookie = await signedInCookie(other);
    const revoked = users(['revoke-sessions', '--email', account.email]);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/\b2\b/);
    for (const cookie of cookies) expect(await opensInbox(cookie)).toBe(false);
    expect(await opensInbox(otherCookie)).toBe(true);
    expect((await signIn(account)).status).toBe(303);
    const events = await auditAbout(account.email);
    expect(events.map((event) => event.kind)).toEqual(['dpo-account-created', 'dpo-sessions-revoked']);
    expect(JSON.parse(events[1]?.detail ?? '{}')).toMatchObject({ account: account.email, sessionsEnded: 2 });
  });

  test('remove ends the sessions and deletes the account; the trail keeps the event', async () => {
    const account = createDpoAccount('remove.me@ostria.example', 'bg', { totp: true, env });
    const cookie = await signedInCookie(account, totpCode(account.totpSecret ?? '', step()));
    const removed = users(['remove', '--email', account.email]);
    expect(removed.status, removed.stderr).toBe(0);
    expect(await opensInbox(cookie)).toBe(false);
    expect(await query('SELECT id FROM dpo_users WHERE email = ?', account.email)).toEqual([]);
    expect(await sessionRows(account.email)).toBe(0);
    expect((await signIn(account, { code: totpCode(account.totpSecret ?? '', step() + 1) })).status).toBe(401);
    const events = await auditAbout(account.email);
    expect(events.map((event) => event.kind)).toEqual(['dpo-account-created', 'dpo-account-removed']);
    expect(JSON.parse(events[1]?.detail ?? '{}')).toMatchObject({ account: account.email, sessionsEnded: 1 });
    await expectNoSecrets(removed.stdout + removed.stderr + JSON.stringify(events), account);
  });

  test.each([['disable'], ['enable'], ['remove'], ['revoke-sessions']])(
    '%s of an unknown account exits 1 with a clear message and records nothing',
    async (command) => {
      const before = (await query<{ n: number }>('SELECT count(*) AS n FROM audit_events'))[0]?.n;
      const answer = users([command, '--email', 'nobody@ostria.example']);
      expect(answer.status).toBe(1);
      expect(answer.stderr).toContain('No DPO account for nobody@ostria.example');
      expect((await query<{ n: number }>('SELECT count(*) AS n FROM audit_events'))[0]?.n).toBe(before);
    },
  );

  test('a reset of an unknown account exits 1 and makes nothing', async () => {
    const answer = createUser(['--email', 'ghost@ostria.example', '--reset'], 'a passphrase long enough');
    expect(answer.status).toBe(1);
    expect(answer.stderr).toContain('No DPO account for ghost@ostria.example');
    expect(await query('SELECT id FROM dpo_users WHERE email = ?', 'ghost@ostria.example')).toEqual([]);
  });

  test('an unknown command or a missing --email prints the usage and exits 1', async () => {
    for (const args of [['promote', '--email', 'x@ostria.example'], ['disable'], []]) {
      const answer = users(args);
      expect(answer.status, args.join(' ')).toBe(1);
      expect(answer.stderr).toMatch(/Usage: npm run dpo:users/);
    }
  });
});

describe('npm run dpo:reminders', () => {
  test('an account disabled in the database gets no digest of the overdue requests; an enabled one does', async () => {
    const day = 24 * 60 * 60 * 1000;
    await createRequest(database.store(), {
      submission: requestSubmissionSchema.parse({
        type: 'restriction',
        locale: 'el',
        name: 'Αργή',
        email: 'late.for.reminders@example.gr',
        details: 'x',
        declaration: true,
      }),
      now: Date.now() - 33 * day,
      timeZone: 'Europe/Athens',
      statusTokenHashFor: () => newToken().hash,
      verifyTokenHash: newToken().hash,
    });
    const kept = createDpoAccount('reminded.kept@ostria.example', 'el', { env });
    const gone = createDpoAccount('reminded.gone@ostria.example', 'el', { env });
    // Disabled in the database itself: the reminders must honour the column, however it was set.
    await database.sql.run('UPDATE dpo_users SET disabled_at = ? WHERE email = ?', Date.now(), gone.email);
    const reminded = runScript('scripts/dpo-reminders.ts', [], env);
    expect(reminded.status, reminded.stderr).toBe(0);
    expect(await outboxMessagesTo(outboxDir, kept.email)).toHaveLength(1);
    expect(await outboxMessagesTo(outboxDir, gone.email)).toEqual([]);
  });
});
