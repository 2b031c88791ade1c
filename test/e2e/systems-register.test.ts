// A systems register the portal cannot use stops start-up with one plain line naming the problem: a statement with
// an identifier that does not exist, a database URL or a webhook secret whose environment variable is not set, a
// webhook on plain http away from loopback. Nothing is served.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateFor } from '../../scripts/support/server-process.ts';
import { node, root } from '../../scripts/support/server-process.ts';
import { testStoreEnvironment, type TestStoreEnvironment } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'portal-register-'));
const shipped = JSON.parse(readFileSync(join(root, 'content/systems.json'), 'utf8')) as { systems: Record<string, unknown>[] };
const [customers, logins] = shipped.systems as [Record<string, unknown>, Record<string, unknown>];
let database: TestStoreEnvironment;

beforeAll(async () => {
  database = await testStoreEnvironment(dir);
  migrateFor(database.env);
});
afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function startWith(systems: unknown[], env: Record<string, string> = {}) {
  const file = join(dir, `systems-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ systems }));
  const started = spawnSync(node, [join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, ...database.env, SYSTEMS_FILE: file, PORT: '1', HOST: '127.0.0.1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: started.status, output: started.stdout + started.stderr };
}

const statements = customers.statements as { access: { sql: string }[] };

describe('npm start refuses a systems register it cannot use', () => {
  test('a statement naming an identifier that does not exist', () => {
    const broken = {
      ...customers,
      statements: { ...statements, access: [{ ...statements.access[0], sql: 'SELECT * FROM customers WHERE birthday = :birthday' }] },
    };
    const { status, output } = startWith([broken]);
    expect(status, output).toBe(1);
    expect(output).toContain('Refusing to start: content/systems.json');
    expect(output).toContain('unknown identifier :birthday');
    expect(output).not.toContain('    at ');
  });

  test('a database URL whose variable is not set', () => {
    const { status, output } = startWith([{ ...customers, url: { env: 'NOT_SET_CUSTOMERS_URL' }, readUrl: { env: 'NOT_SET_CUSTOMERS_URL' } }]);
    expect(status, output).toBe(1);
    expect(output).toContain('is read from NOT_SET_CUSTOMERS_URL, which is not set');
  });

  test('a webhook secret whose variable is not set, and a webhook on plain http away from loopback', () => {
    const away = startWith([{ ...logins, url: 'https://logs.internal.example/portal', secret: { env: 'NOT_SET_LOGIN_SECRET' } }]);
    expect(away.status, away.output).toBe(1);
    expect(away.output).toContain('is read from NOT_SET_LOGIN_SECRET, which is not set');
    const plain = startWith([{ ...logins, url: 'http://logs.internal.example/portal' }], { OSTRIA_LOGIN_HISTORY_SECRET: 'x'.repeat(40) });
    expect(plain.status, plain.output).toBe(1);
    expect(plain.output).toContain('its endpoint must be https://');
  });
});
