// Attacks on the DPO sign-in, sent as an attacker would (raw HTTP from chosen loopback addresses): guesses fired all
// at once to outrun the throttle, a flood meant to slow other DPOs down, hostile return paths after a correct
// sign-in, and an account disabled in the database. The portal runs on its own database, so its throttle (in memory,
// per process) and its sessions are this file's alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freeFailures, lockedAfter } from '../../../src/lib/login-throttle.ts';
import { createDpoAccount, type DpoAccount } from '../dpo-account.ts';
import { startPortal, type RunningPortal } from '../portal.ts';
import { sendRaw, type Answer } from '../raw-http.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-attack-sign-in-'));
let portal: RunningPortal;
let database: TestStoreEnvironment;

beforeAll(async () => {
  database = await testStoreEnvironment(dataDir);
  portal = await startPortal({ ...database.env, OUTBOX_DIR: join(dataDir, 'outbox') });
});

afterAll(async () => {
  await portal?.stop();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const account = (name: string): DpoAccount => createDpoAccount(`${name}@ostria.example`, 'nl', { env: database.env });

/** A sign-in posted as the login form posts it, from a loopback address of the test's choosing. */
function signIn(email: string, password: string, from: string, path = '/dpo/login'): Promise<Answer> {
  return sendRaw(portal.baseURL, 'POST', path, { form: { email, password, code: '' }, from });
}

const sessionOf = (answer: Answer) =>
  [answer.headers['set-cookie'] ?? []]
    .flat()
    .find((line) => line.startsWith('portal_dpo='))
    ?.split(';')[0];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The live sessions the database holds for an account. */
function sessionsOf(email: string): Promise<number> {
  return database.sql.value<number>('SELECT count(*) AS n FROM dpo_sessions s JOIN dpo_users u ON u.id = s.user_id WHERE u.email = ?', email);
}

/** How many answers had each status, e.g. { 401: 9, 429: 31 }. */
function tally(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

describe('guesses fired all at once', () => {
  test(`40 wrong passwords and then the right one, at once from one address: at most ${lockedAfter} are checked, the right one is refused`, async () => {
    const target = account('race.target');
    const from = '127.0.10.1';
    const wrong = Array.from({ length: 40 }, (_, index) => signIn(target.email, `wrong guess number ${index} for the account`, from));
    // Sent just after the 40, while they are still being checked.
    await pause(50);
    const right = await signIn(target.email, target.password, from);
    const guesses = await Promise.all(wrong);

    expect(right.status, 'the right password behind 40 guesses').toBe(429);
    expect(sessionOf(right)).toBeUndefined();
    expect(await sessionsOf(target.email)).toBe(0);
    // Each answer 401 is a password that was checked; every other guess was refused unchecked.
    expect(tally(guesses)).toEqual({ 401: lockedAfter, 429: 40 - lockedAfter });
  });

  test('40 accounts guessed at once from one address: the address is limited as well, the right password after them is refused', async () => {
    const target = account('race.spread');
    const from = '127.0.10.2';
    const wrong = Array.from({ length: 40 }, (_, index) => signIn(`guess${index}@ostria.example`, 'a common password 2026', from));
    await pause(50);
    const right = await signIn(target.email, target.password, from);
    const guesses = await Promise.all(wrong);

    expect(right.status).toBe(429);
    expect(await sessionsOf(target.email)).toBe(0);
    expect(tally(guesses)).toEqual({ 401: lockedAfter, 429: 40 - lockedAfter });
  });

  test('guesses at one account from 20 addresses at once: the account is limited, its right password from a new address is refused', async () => {
    const target = account('race.locked');
    const wrong = Array.from({ length: 20 }, (_, index) => signIn(target.email, `another wrong guess ${index}`, `127.0.11.${index + 1}`));
    await pause(50);
    const right = await signIn(target.email, target.password, '127.0.11.200');
    const guesses = await Promise.all(wrong);
    expect(right.status).toBe(429);
    expect(tally(guesses)).toEqual({ 401: lockedAfter, 429: 20 - lockedAfter });
    // Still locked once every guess is answered.
    expect((await signIn(target.email, target.password, '127.0.11.201')).status).toBe(429);
    expect(await sessionsOf(target.email)).toBe(0);
  });

  test('a DPO signing in from another address, to another account, is not held up by a flood of guesses', async () => {
    const target = account('flood.target');
    const bystander = account('flood.bystander');
    // When each checked guess (401) was answered: the bystander must not queue behind the flood's password checks.
    const checkedAt: number[] = [];
    const flood = Array.from({ length: 40 }, (_, index) =>
      signIn(target.email, `flood guess ${index} against the target`, '127.0.12.1').then((answer) => {
        if (answer.status === 401) checkedAt.push(performance.now());
        return answer;
      }),
    );
    await pause(50);
    const started = performance.now();
    const signedIn = await signIn(bystander.email, bystander.password, '127.0.12.2');
    const answeredAt = performance.now();
    await Promise.all(flood);

    expect(signedIn.status).toBe(303);
    expect(sessionOf(signedIn)).toBeDefined();
    // The flood gets its 5 free checks at once, the next ones 1, 2, 4 and 8 s later; the bystander waits for none
    // of the throttled ones (a wall-clock bound would measure the shared machine, not the portal).
    const checkedBefore = checkedAt.filter((at) => at < answeredAt).length;
    expect(
      checkedBefore,
      `${checkedBefore} guesses were checked before the bystander (answered after ${Math.round(answeredAt - started)} ms)`,
    ).toBeLessThanOrEqual(freeFailures + 2);
  });
});

describe('hostile return paths after a correct sign-in', () => {
  // Each value is decoded by the query parser before it reaches the return-path check.
  const nextValues = [
    ['CR LF (header injection)', '/dpo/%0D%0ASet-Cookie:%20pwned=1'],
    ['a lone LF', '/dpo?q=%0A'],
    ['U+2028 line separator', '/dpo/%E2%80%A8'],
    ['U+2029 paragraph separator', '/dpo?status=%E2%80%A9'],
    ['a Latin-1 letter', '/dpo/caf%C3%A9'],
    ['a Greek word', '/dpo?q=%CE%95%CE%BB%CE%AD%CE%BD%CE%B7'],
    ['NUL', '/dpo/%00'],
    ['a tab', '/dpo/%09x'],
    ['a backslash', '/dpo/%5C%5Cevil.example'],
    ['DEL', '/dpo/%7F'],
  ] as const;

  let target: DpoAccount;
  let cookie = '';
  let address = 0;
  beforeAll(async () => {
    target = account('return.path');
    const signedIn = await signIn(target.email, target.password, '127.0.13.250');
    cookie = sessionOf(signedIn) ?? '';
    expect(cookie).not.toBe('');
  });

  test.each(nextValues)('next= with %s: the sign-in redirects to /dpo with a session', async (_, next) => {
    address += 1;
    const answer = await signIn(target.email, target.password, `127.0.13.${address}`, `/dpo/login?next=${next}`);
    expect(answer.status, answer.body.slice(0, 200)).toBe(303);
    expect(answer.headers.location).toBe('/dpo');
    expect(sessionOf(answer)).toMatch(/^portal_dpo=[\w-]{43}$/);
  });

  test.each(nextValues)('next= with %s: an already signed-in DPO opening the sign-in page goes to /dpo', async (_, next) => {
    const answer = await sendRaw(portal.baseURL, 'GET', `/dpo/login?next=${next}`, { headers: { Cookie: cookie } });
    expect(answer.status, answer.body.slice(0, 200)).toBe(303);
    expect(answer.headers.location).toBe('/dpo');
  });

  test.each(nextValues)('next= with %s: the DPO language switch returns to /dpo', async (_, next) => {
    const answer = await sendRaw(portal.baseURL, 'POST', '/dpo/language', {
      body: `locale=pl&next=${next}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    });
    expect(answer.status, answer.body.slice(0, 200)).toBe(303);
    expect(answer.headers.location).toBe('/dpo');
  });

  test('a plain return path with a percent-encoded query is kept', async () => {
    address += 1;
    const next = encodeURIComponent('/dpo?q=%CE%95%CE%BB&status=open');
    const answer = await signIn(target.email, target.password, `127.0.13.${address}`, `/dpo/login?next=${next}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/dpo?q=%CE%95%CE%BB&status=open');
  });
});

describe('hostile return paths on the public pages', () => {
  // The language switcher and the cookie choices send a visitor back where they were.
  const publicValues = [
    ['CR LF', '/bg/%0D%0ASet-Cookie:%20pwned=1', '/bg/'],
    ['a percent-encoded CR LF', '/bg/%250D%250A', '/bg/'],
    ['U+2028', '/bg/%E2%80%A8', '/bg/'],
    ['a percent-encoded U+2028 in the query', '/bg/requests/new?type=%25E2%2580%25A8', '/bg/'],
    ['a malformed percent-encoding', '/bg/%25E2%2580', '/bg/'],
    ['a percent-encoded NUL in the query', '/bg/requests/new?type=%2500', '/bg/'],
    ['a Cyrillic word', '/bg/%D0%B4%D0%B0', '/bg/'],
    ['a plain page', '/bg/requests/new?type=erasure', '/bg/requests/new?type=erasure'],
  ] as const;

  test.each(publicValues)('the language switcher with %s', async (_, next, expected) => {
    const answer = await sendRaw(portal.baseURL, 'GET', `/language?to=bg&next=${next}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(expected);
  });

  test.each(publicValues)('the cookie choice on the first layer with %s', async (_, next, expected) => {
    const answer = await sendRaw(portal.baseURL, 'POST', '/bg/consent?_action=consent.saveCookies', {
      body: `decision=reject-all&locale=bg&returnTo=${next}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      from: '127.0.14.1',
    });
    expect(answer.status, answer.body.slice(0, 200)).toBe(303);
    expect(answer.headers.location).toBe(expected);
  });
});

describe('a disabled account', () => {
  test('cannot sign in (the answer of a wrong password) and its open session is refused', async () => {
    const target = account('disabled.directly');
    const before = await signIn(target.email, target.password, '127.0.15.1');
    const cookie = sessionOf(before) ?? '';
    expect(cookie).not.toBe('');
    await database.sql.run('UPDATE dpo_users SET disabled_at = ? WHERE email = ?', Date.now(), target.email);

    const inbox = await sendRaw(portal.baseURL, 'GET', '/dpo', { headers: { Cookie: cookie } });
    expect(inbox.status).toBe(303);
    expect(String(inbox.headers.location)).toMatch(/^\/dpo\/login/);
    const json = await sendRaw(portal.baseURL, 'GET', '/dpo/requests.json', { headers: { Cookie: cookie } });
    expect(json.status).toBe(401);

    const right = await signIn(target.email, target.password, '127.0.15.2');
    const wrong = await signIn(target.email, 'not the password at all', '127.0.15.3');
    expect(right.status).toBe(401);
    expect(sessionOf(right)).toBeUndefined();
    const problem = (answer: Answer) => /data-sign-in-problem="(\w+)"[^>]*>([^<]*)/.exec(answer.body)?.slice(1);
    expect(problem(right)).toEqual(problem(wrong));
  });
});
