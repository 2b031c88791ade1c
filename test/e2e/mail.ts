import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { expect } from 'vitest';

/** A message as the recipient's mail program shows it. */
export interface ReadMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The header block as sent, folded lines joined. */
  headerBlock: string;
}

async function read(raw: Buffer | string): Promise<ReadMessage> {
  const parsed = await simpleParser(raw);
  const source = raw.toString();
  const end = source.search(/\r?\n\r?\n/);
  const headerBlock = source.slice(0, end < 0 ? undefined : end).replace(/\r?\n[ \t]+/g, ' ');
  const to = Array.isArray(parsed.to) ? parsed.to.map((address) => address.text).join(', ') : (parsed.to?.text ?? '');
  return { to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '', headerBlock };
}

/** Every message in an .eml outbox addressed to `to`, oldest first. */
export async function outboxMessagesTo(outboxDir: string, to: string): Promise<ReadMessage[]> {
  if (!existsSync(outboxDir)) return [];
  const files = readdirSync(outboxDir)
    .filter((file) => file.endsWith('.eml'))
    .sort();
  const messages = await Promise.all(files.map((file) => read(readFileSync(join(outboxDir, file)))));
  return messages.filter((message) => message.to.toLowerCase() === to.toLowerCase());
}

/** Waits for a message to `to` in the outbox and returns the newest. */
export async function waitForMessageTo(outboxDir: string, to: string): Promise<ReadMessage> {
  await expect.poll(async () => (await outboxMessagesTo(outboxDir, to)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  return (await outboxMessagesTo(outboxDir, to)).at(-1) as ReadMessage;
}

/** A message received by the test SMTP server. */
export function readReceived(raw: string): Promise<ReadMessage> {
  return read(raw);
}

/** A real SMTP server on a loopback port for a test: every message it accepts, raw, in `received`. */
export interface TestSmtpServer {
  port: number;
  received: string[];
  close(): Promise<void>;
}

/** Starts the test's SMTP server (no TLS, no auth); `onRcptTo` may refuse a recipient as a real server would. */
export async function startTestSmtp(options: Pick<SMTPServerOptions, 'onRcptTo'> = {}): Promise<TestSmtpServer> {
  const received: string[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    ...options,
    onData(stream, _session, callback) {
      let message = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (message += chunk));
      stream.on('end', () => {
        received.push(message);
        callback();
      });
    },
  });
  await new Promise<void>((listening) => smtp.listen(0, '127.0.0.1', listening));
  const address = smtp.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, received, close: () => new Promise<void>((closed) => smtp.close(() => closed())) };
}
