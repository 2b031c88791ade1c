import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder, privateFileMode } from './private-files.ts';
import { log as portalLog, type Logger } from './log.ts';

export interface OutgoingSms {
  /** The number with its country code, + and digits. */
  to: string;
  text: string;
  /** The confirmation code the message carries, printed to the log when it goes to the outbox (never the number). */
  code?: string;
}

export interface SmsSender {
  send(sms: OutgoingSms): Promise<{ file?: string }>;
}

export interface SmsSenderOptions {
  /**
   * The operator's SMS gateway, an HTTP API that takes POST JSON `{ "to", "text" }`; a bearer token may ride in the
   * URL's userinfo (https://TOKEN@sms.example/send) or come as `token`. When absent, messages are written to
   * `outboxDir` as .sms.txt files so the whole flow works on a laptop.
   */
  url?: string | undefined;
  token?: string | undefined;
  outboxDir: string;
  /** Where an SMS written to the outbox is announced (its file and code, never the number). */
  log?: Pick<Logger, 'info'>;
  fetch?: typeof fetch;
}

/** The gateway URL without its userinfo, and the bearer token (userinfo password, else user name, else `token`). */
export function smsGateway(url: string, token: string | undefined): { endpoint: string; token: string | undefined } {
  const parsed = new URL(url);
  const fromUrl = decodeURIComponent(parsed.password || parsed.username);
  parsed.username = '';
  parsed.password = '';
  return { endpoint: parsed.toString(), token: fromUrl || token };
}

/** Sends SMS through the configured gateway (a non-2xx answer is an error), or writes each to the outbox. */
export function createSmsSender(options: SmsSenderOptions): SmsSender {
  const log = options.log ?? portalLog;
  if (options.url) {
    const { endpoint, token } = smsGateway(options.url, options.token);
    const send = options.fetch ?? fetch;
    return {
      async send(sms) {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (token) headers.Authorization = `Bearer ${token}`;
        const answer = await send(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify({ to: sms.to, text: sms.text }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!answer.ok) throw new Error(`The SMS gateway answered ${answer.status}`);
        return {};
      },
    };
  }
  return {
    async send(sms) {
      makePrivateFolder(options.outboxDir);
      const file = join(options.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}.sms.txt`);
      // An SMS holds the person's number and their code: the portal's account reads it, no one else.
      writeFileSync(file, `To: ${sms.to}\n\n${sms.text}\n`, { flag: 'wx', mode: privateFileMode });
      log.info('SMS written to the local outbox (SMS_URL is not set).', { file, code: sms.code });
      return { file };
    },
  };
}
