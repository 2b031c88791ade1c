// The SQL connector against real customer databases: PostgreSQL and MariaDB on the machine, and an SQLite file, each
// with the same customer schema. What the DPO sees: the tables collected, the rows erased per statement, and a clear
// task error when the database misbehaves, with nothing half done.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemSchema, type System } from '../../src/lib/systems/register.ts';
import { sqlConnector } from '../../src/lib/systems/sql.ts';
import { createMariadbDatabase, mariadbReachable } from '../support/mariadb.ts';
import { createTestDatabase, postgresReachable, type TestDatabase } from '../support/postgres.ts';
import { taskContext } from '../support/systems.ts';

const schema = `
CREATE TABLE customers (id INT PRIMARY KEY, customer_ref VARCHAR(20), full_name VARCHAR(100), email VARCHAR(200), phone VARCHAR(40), restricted INT DEFAULT 0);
CREATE TABLE invoices (id INT PRIMARY KEY, customer_id INT, number VARCHAR(20), amount_eur DECIMAL(10,2), issued_on DATE);
CREATE TABLE mailboxes (id INT PRIMARY KEY, customer_id INT, address VARCHAR(200));
CREATE TABLE support_tickets (id INT PRIMARY KEY, customer_id INT, subject VARCHAR(200));
INSERT INTO customers (id, customer_ref, full_name, email, phone) VALUES (1, 'C-1001', 'Anna Papadopoulou', 'anna@example.org', '+30 210 000 0001'), (2, 'C-1002', 'Bob Jansen', 'bob@example.org', NULL);
INSERT INTO invoices VALUES (1, 1, 'INV-1', 12.50, '2026-01-31'), (2, 1, 'INV-2', 12.50, '2026-02-28'), (3, 2, 'INV-3', 9.00, '2026-02-28');
INSERT INTO mailboxes VALUES (1, 1, 'anna@anna.example'), (2, 1, 'info@anna.example'), (3, 2, 'bob@bob.example');
INSERT INTO support_tickets VALUES (1, 1, 'Mailbox full'), (2, 2, 'Invoice question');
`;

const who = 'c.email = :email OR c.customer_ref = :customerReference';
const label = { el: 'Πίνακας', bg: 'Таблица', nl: 'Tabel', pl: 'Tabela' };
const name = { el: 'Πελάτες', bg: 'Клиенти', nl: 'Klanten', pl: 'Klienci' };

function systemOn(url: string, statements: Record<string, unknown>, extra: Record<string, unknown> = {}): System {
  const entry = systemSchema.parse({
    id: 'customer-database',
    kind: 'sql',
    name,
    owner: { email: 'it@ostria.example', locale: 'el' },
    categories: [name],
    url: { env: 'CUSTOMERS_URL' },
    statements,
    ...extra,
  });
  if (entry.kind !== 'sql') throw new Error('an sql system');
  return { ...entry, connection: { url, readUrl: url } };
}

const access = [
  { name: 'customers', label, sql: `SELECT c.customer_ref, c.full_name, c.email FROM customers c WHERE ${who}` },
  {
    name: 'invoices',
    label,
    sql: `SELECT i.number, i.amount_eur, i.issued_on FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE ${who} ORDER BY i.number`,
  },
  { name: 'literal', label, sql: `SELECT ':email' AS quoted, c.full_name FROM customers c WHERE c.email = :email` },
];
const erasure = [
  {
    name: 'support-tickets',
    sql: 'DELETE FROM support_tickets WHERE customer_id IN (SELECT id FROM customers c WHERE c.email = :email OR c.customer_ref = :customerReference)',
  },
  {
    name: 'mailboxes',
    sql: 'DELETE FROM mailboxes WHERE customer_id IN (SELECT id FROM customers c WHERE c.email = :email OR c.customer_ref = :customerReference)',
  },
  { name: 'customers', sql: `UPDATE customers SET full_name = 'erased', email = NULL, phone = NULL WHERE email = :email OR customer_ref = :customerReference` },
];
const anna = { email: 'anna@example.org' };
const connector = sqlConnector();

interface Target {
  label: string;
  reachable: () => Promise<boolean>;
  open(): Promise<{ url: string; count(sql: string): Promise<number>; drop(): Promise<void> }>;
  /** A query slower than 300 ms; none for SQLite, whose time is checked between statements (the busy file below). */
  sleep: string | undefined;
  /** Counts the sessions still running that slow query on the server: none once the attempt gave up. */
  sleepsRunning?: string;
  closedPort: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'systems-sql-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const targets: Target[] = [
  {
    label: 'PostgreSQL',
    reachable: postgresReachable,
    async open() {
      const database: TestDatabase = await createTestDatabase();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query(schema);
      return {
        url: database.url,
        count: async (sql) => Number((await client.query(sql)).rows[0].n),
        drop: async () => {
          await client.end();
          await database.drop();
        },
      };
    },
    sleep: 'SELECT pg_sleep(3)',
    sleepsRunning: `SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(3)'`,
    closedPort: 'postgres://postgres@127.0.0.1:1/customers',
  },
  {
    label: 'MariaDB',
    reachable: mariadbReachable,
    async open() {
      const database = await createMariadbDatabase(schema);
      const connection = await mysql.createConnection({ uri: database.url });
      return {
        url: database.url,
        count: async (sql) => Number((((await connection.query(sql))[0] as { n: number }[])[0] as { n: number }).n),
        drop: async () => {
          await connection.end();
          await database.drop();
        },
      };
    },
    sleep: 'SELECT SLEEP(3)',
    sleepsRunning: `SELECT count(*) AS n FROM information_schema.processlist WHERE info = 'SELECT SLEEP(3)'`,
    closedPort: 'mariadb://root@127.0.0.1:1/customers',
  },
  {
    label: 'SQLite',
    reachable: async () => true,
    async open() {
      const path = join(scratch, `customers-${Math.random().toString(36).slice(2)}.db`);
      const db = new Database(path);
      db.exec(schema);
      return {
        url: `sqlite:${path}`,
        count: async (sql) => (db.prepare(sql).get() as { n: number }).n,
        drop: async () => void db.close(),
      };
    },
    sleep: undefined,
    closedPort: `sqlite:${join(scratch, 'no-such-file.db')}`,
  },
];

for (const target of targets) {
  const reachable = await target.reachable();
  describe.skipIf(!reachable)(`sqlConnector() on ${target.label}`, () => {
    let db: Awaited<ReturnType<Target['open']>>;
    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(() => db?.drop());

    test('collect returns one labelled table per query with the requester’s rows only; a quoted :email is text', async () => {
      const outcome = await connector(taskContext(systemOn(db.url, { access }), 'collect', anna));
      expect(outcome.kind).toBe('done');
      if (outcome.kind !== 'done' || outcome.result.kind !== 'collected') throw new Error('collected');
      const [customers, invoices, literal] = outcome.result.tables;
      expect(customers?.columns).toEqual(['customer_ref', 'full_name', 'email']);
      expect(customers?.rows).toEqual([['C-1001', 'Anna Papadopoulou', 'anna@example.org']]);
      expect(customers?.label).toEqual(label);
      expect(invoices?.rows.map((row) => row[0])).toEqual(['INV-1', 'INV-2']);
      expect(String(invoices?.rows[0]?.[2])).toMatch(/^2026-01-31/);
      expect(literal?.rows).toEqual([[':email', 'Anna Papadopoulou']]);
      expect(JSON.parse(JSON.stringify(outcome.result))).toEqual(outcome.result);
    });

    test('an access query that writes is refused by the read-only transaction and changes nothing', async () => {
      const writing = [{ name: 'sneaky', label, sql: `UPDATE customers SET full_name = 'changed' WHERE email = :email` }];
      const outcome = await connector(taskContext(systemOn(db.url, { access: writing }), 'collect', anna));
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'statementFailed' }, retryable: false });
      expect(await db.count(`SELECT count(*) AS n FROM customers WHERE full_name = 'changed'`)).toBe(0);
    });

    test('more rows than maxRows fails as tooLarge, not retried', async () => {
      const all = [{ name: 'invoices', label, sql: 'SELECT number FROM invoices' }];
      const outcome = await connector(taskContext(systemOn(db.url, { access: all }, { maxRows: 2 }), 'collect', anna));
      expect(outcome).toEqual({ kind: 'failed', error: { code: 'tooLarge', detail: 'invoices' }, retryable: false });
    });

    test.skipIf(!target.sleep)('a slow query fails as timeout, retryable, and the server stops running it', async () => {
      const slow = [{ name: 'slow', label, sql: target.sleep ?? '' }];
      const started = Date.now();
      const outcome = await connector(taskContext(systemOn(db.url, { access: slow }, { timeoutMs: 300 }), 'collect', anna));
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'timeout' }, retryable: true });
      expect(Date.now() - started).toBeLessThan(2_500);
      // The server ended the statement (MariaDB: max_statement_time; PostgreSQL: statement_timeout), so it holds no
      // locks on the organisation's database after the portal gave up.
      if (target.sleepsRunning) expect(await db.count(target.sleepsRunning)).toBe(0);
    });

    test('a database nobody answers for fails as unreachable, retryable (and no SQLite file is made)', async () => {
      const outcome = await connector(taskContext(systemOn(target.closedPort, { access }), 'collect', anna));
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'unreachable' }, retryable: true });
      if (target.label === 'SQLite') expect(existsSync(join(scratch, 'no-such-file.db'))).toBe(false);
    });

    test('an erasure whose second statement fails erases nothing', async () => {
      const broken = [erasure[0], { name: 'mailboxes', sql: 'DELETE FROM no_such_table WHERE address = :email' }];
      const outcome = await connector(taskContext(systemOn(db.url, { erasure: broken }), 'erase', anna));
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'statementFailed' }, retryable: false });
      if (outcome.kind === 'failed') expect(outcome.error.detail).toMatch(/^mailboxes/);
      if (outcome.kind === 'failed') expect(outcome.error.detail).not.toContain('anna');
      expect(await db.count('SELECT count(*) AS n FROM support_tickets WHERE customer_id = 1')).toBe(1);
    });

    test('restriction counts the rows it marked', async () => {
      const restriction = [{ name: 'customers', sql: 'UPDATE customers SET restricted = 1 WHERE email = :email' }];
      const outcome = await connector(taskContext(systemOn(db.url, { restriction }), 'restrict', anna));
      expect(outcome).toEqual({ kind: 'done', result: { kind: 'restricted', counts: { customers: 1 } } });
    });

    test('erasure runs every statement in one transaction and counts the rows per statement; other customers keep theirs', async () => {
      const outcome = await connector(taskContext(systemOn(db.url, { erasure }), 'erase', { email: 'anna@example.org', customerReference: 'C-1001' }));
      expect(outcome).toEqual({ kind: 'done', result: { kind: 'erased', counts: { 'support-tickets': 1, mailboxes: 2, customers: 1 } } });
      expect(await db.count('SELECT count(*) AS n FROM mailboxes')).toBe(1);
      expect(await db.count(`SELECT count(*) AS n FROM customers WHERE email = 'bob@example.org'`)).toBe(1);
      expect(await db.count(`SELECT count(*) AS n FROM customers WHERE email = 'anna@example.org'`)).toBe(0);
    });
  });
}

describe('sqlConnector() on a busy SQLite file', () => {
  test('an erasure waiting on another writer’s lock fails as timeout, retryable', async () => {
    const path = join(scratch, 'busy.db');
    const holder = new Database(path);
    holder.exec(schema);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const outcome = await connector(taskContext(systemOn(`sqlite:${path}`, { erasure }, { timeoutMs: 200 }), 'erase', anna));
      expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'timeout' }, retryable: true });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
