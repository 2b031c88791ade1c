import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { makePrivateFolder, privateFileMode } from './private-files.ts';
import { log as portalLog, type Logger } from './log.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** Links the message carries, printed to the log when mail goes to the outbox (they hold tokens, not personal data). */
  links?: string[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; file?: string }>;
}

export interface MailerOptions {
  from: string;
  /** smtp(s)://user:pass@host:port; when absent, messages are written to `outboxDir` as .eml files. */
  smtpUrl?: string | undefined;
  outboxDir: string;
  /** Where a message written to the outbox is announced (its file and links: the outbox is for one machine). */
  log?: Pick<Logger, 'info'>;
}

/** Sends mail through SMTP, or writes each message as an .eml file so the whole flow works on a laptop. */
export function createMailer(options: MailerOptions): Mailer {
  const log = options.log ?? portalLog;
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(mail) {
        const info = await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers ?? {},
        });
        return { messageId: info.messageId };
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers ?? {},
      });
      makePrivateFolder(options.outboxDir);
      const file = join(options.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}.eml`);
      // A mail holds the requester's name and address and their secret links: the portal's account reads it, no one else.
      writeFileSync(file, info.message as Buffer, { flag: 'wx', mode: privateFileMode });
      log.info('Mail written to the local outbox (SMTP_URL is not set).', { file, links: mail.links ?? [] });
      return { messageId: info.messageId, file };
    },
  };
}
