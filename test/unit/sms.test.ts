import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codeMatches, confirmationCodeSchema, newConfirmationCode } from '../../src/lib/marketing.ts';
import { createSmsSender, smsGateway } from '../../src/lib/sms.ts';
import { createLogger } from '../../src/lib/log.ts';

const scratch = mkdtempSync(join(tmpdir(), 'portal-sms-'));
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  rmSync(scratch, { recursive: true, force: true });
});

describe('confirmation codes', () => {
  const secret = 'k'.repeat(32);

  test('six digits, stored as a salted HMAC that matches only that code under that secret', () => {
    const { code, hash } = newConfirmationCode(secret);
    expect(code).toMatch(/^\d{6}$/);
    expect(hash).not.toContain(code);
    expect(codeMatches(secret, hash, code)).toBe(true);
    expect(codeMatches(secret, hash, code === '123456' ? '654321' : '123456')).toBe(false);
    expect(codeMatches('o'.repeat(32), hash, code)).toBe(false);
    // A link token's hash (hex SHA-256) is never taken for a code's.
    expect(codeMatches(secret, 'a'.repeat(64), code)).toBe(false);
  });

  test('the same code twice is stored under two hashes (the token column is unique)', () => {
    const hashes = new Set(Array.from({ length: 50 }, () => newConfirmationCode(secret).hash));
    expect(hashes.size).toBe(50);
  });

  test('the code as typed: spaces between digits are fine, anything else is refused', () => {
    expect(confirmationCodeSchema.parse(' 123 456 ')).toBe('123456');
    for (const bad of ['12345', '1234567', '12345a', '١٢٣٤٥٦', '']) expect(confirmationCodeSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('createSmsSender()', () => {
  test('without a gateway: an .sms.txt file readable by the portal only, and the code (not the number) in the log', async () => {
    const outboxDir = join(scratch, 'outbox');
    const lines: string[] = [];
    const sender = createSmsSender({ outboxDir, log: createLogger({ write: (line) => lines.push(line) }) });
    const { file } = await sender.send({ to: '+302310555014', text: 'Ostria: 042917', code: '042917' });
    expect(readdirSync(outboxDir).filter((name) => name.endsWith('.sms.txt'))).toHaveLength(1);
    expect(readFileSync(file ?? '', 'utf8')).toBe('To: +302310555014\n\nOstria: 042917\n');
    expect(statSync(file ?? '').mode & 0o777).toBe(0o600);
    expect(statSync(outboxDir).mode & 0o777).toBe(0o700);
    expect(lines.map((line) => JSON.parse(line) as { code?: string }).map((event) => event.code)).toEqual(['042917']);
    expect(lines.join('\n')).not.toContain('+302310555014');
  });

  test('through the gateway: POST JSON {to, text} with the bearer token from the URL userinfo or SMS_TOKEN', async () => {
    const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
    let status = 202;
    const gateway = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        seen.push({ path: request.url ?? '', headers: request.headers, body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((listening) => gateway.listen(0, '127.0.0.1', listening));
    const { port } = gateway.address() as AddressInfo;
    try {
      await createSmsSender({ url: `http://s%3Acret@127.0.0.1:${port}/send`, outboxDir: join(scratch, 'unused') }).send({
        to: '+48512345678',
        text: 'Kod: 123456',
      });
      await createSmsSender({ url: `http://127.0.0.1:${port}/v1/sms`, token: 'from-env', outboxDir: join(scratch, 'unused') }).send({
        to: '+31612345678',
        text: 'Code: 654321',
      });
      expect(seen.map(({ path, headers, body }) => [path, headers.authorization, headers['content-type'], JSON.parse(body)])).toEqual([
        ['/send', 'Bearer s:cret', 'application/json', { to: '+48512345678', text: 'Kod: 123456' }],
        ['/v1/sms', 'Bearer from-env', 'application/json', { to: '+31612345678', text: 'Code: 654321' }],
      ]);
      status = 500;
      await expect(
        createSmsSender({ url: `http://127.0.0.1:${port}/send`, outboxDir: join(scratch, 'unused') }).send({ to: '+48512345678', text: 'x' }),
      ).rejects.toThrow('500');
    } finally {
      await new Promise((closed) => gateway.close(closed));
    }
    expect(smsGateway('https://user:pass@sms.example/send', 'env')).toEqual({ endpoint: 'https://sms.example/send', token: 'pass' });
  });
});
