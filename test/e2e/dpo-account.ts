import { expect } from 'vitest';
import { totpCode } from '../../src/lib/totp.ts';
import { runScript } from './scripts.ts';

export interface DpoAccount {
  email: string;
  password: string;
  /** The TOTP secret, when the account has a second factor. */
  totpSecret?: string;
}

/**
 * Makes a DPO account with `npm run dpo:create-user` (with a second factor when `totp`), in the test portal's
 * database unless `env` names another.
 */
export function createDpoAccount(email: string, locale: string, options: { totp?: boolean; env?: Record<string, string> } = {}): DpoAccount {
  const password = `${email} signs in with a long passphrase`;
  const made = runScript('scripts/dpo-create-user.ts', ['--email', email, '--locale', locale, ...(options.totp ? ['--totp'] : [])], {
    ...options.env,
    DPO_PASSWORD: password,
  });
  expect(made.status, made.stderr).toBe(0);
  const totpSecret = /secret ([A-Z2-7]{32})/.exec(made.stdout)?.[1];
  if (options.totp) expect(totpSecret).toBeDefined();
  return { email, password, ...(totpSecret ? { totpSecret } : {}) };
}

/** Signs in as a browser's form would: the answer (303 with the session cookie when it worked). */
export function signInDpo(baseURL: string, account: DpoAccount): Promise<Response> {
  const code = account.totpSecret ? totpCode(account.totpSecret, Math.floor(Date.now() / 30_000)) : '';
  return fetch(`${baseURL}/dpo/login`, {
    method: 'POST',
    body: new URLSearchParams({ email: account.email, password: account.password, code }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}

/** The `portal_dpo=…` pair of a sign-in answer, for a Cookie header. */
export function sessionCookie(signedIn: Response): string {
  return (
    signedIn.headers
      .getSetCookie()
      .find((line) => line.startsWith('portal_dpo='))
      ?.split(';')[0] ?? ''
  );
}
