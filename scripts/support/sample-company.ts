// The sample company's own customer database, made by `npm start` on a fresh machine so that content/systems.json's
// "customer-database" has something to answer from. Only ever for the sample register as shipped: never when
// SYSTEMS_FILE names an operator's register, never when OSTRIA_CUSTOMERS_URL names another database, never over a file
// that exists.
import { existsSync, linkSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, makePrivateFolder } from '../../src/lib/private-files.ts';
import { sqliteUrlIn, type System } from '../../src/lib/systems/register.ts';
import { sampleCustomers } from './sample-customers.ts';

const schema = join(import.meta.dirname, 'sample-company.sql');

/**
 * The file of the sample customer database when the portal runs the shipped register with the database it names by
 * default: SYSTEMS_FILE unset, and "customer-database" resolved to its `default` sqlite: file (read and write URLs
 * alike). Undefined otherwise, so an operator's own database is never touched.
 */
export function sampleCustomerDatabaseOf(
  systems: readonly System[],
  environment: Readonly<Record<string, string | undefined>>,
  dataFolder: string,
): string | undefined {
  if (environment.SYSTEMS_FILE) return undefined;
  const system = systems.find((candidate) => candidate.id === 'customer-database');
  if (system?.kind !== 'sql' || !system.url.default?.startsWith('sqlite:')) return undefined;
  const sample = sqliteUrlIn(system.url.default, dataFolder);
  if (system.connection.url !== sample || system.connection.readUrl !== sample) return undefined;
  return sample.slice('sqlite:'.length);
}

/**
 * Creates the sample company's customer database at `path` (0600, in a folder made 0700) with its tables and six
 * customers; false, and nothing written, when a file is already there. It is made aside and linked into place, so a
 * start that stops half-way leaves no half-made database, and two starts at once make one.
 */
export function ensureSampleCustomerDatabase(path: string): boolean {
  if (existsSync(path)) return false;
  makePrivateFolder(dirname(path));
  const aside = `${path}.creating-${process.pid}`;
  rmSync(aside, { force: true });
  createPrivateFile(aside);
  try {
    fillSampleDatabase(aside);
    linkSync(aside, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

function fillSampleDatabase(path: string): void {
  const db = new Database(path);
  try {
    db.exec(readFileSync(schema, 'utf8'));
    const customer = db.prepare(
      `INSERT INTO customers (customer_ref, full_name, email, phone, street, postal_code, city, country, created_on)
       VALUES (@ref, @fullName, @email, @phone, @street, @postalCode, @city, @country, @createdOn)`,
    );
    const invoice = db.prepare('INSERT INTO invoices (customer_id, number, issued_on, amount_eur, status) VALUES (?, ?, ?, ?, ?)');
    const mailbox = db.prepare('INSERT INTO mailboxes (customer_id, address, quota_mb, created_on) VALUES (?, ?, ?, ?)');
    const ticket = db.prepare('INSERT INTO support_tickets (customer_id, opened_on, subject, body, status) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const { invoices, mailboxes, tickets, ...person } of sampleCustomers) {
        const id = customer.run(person).lastInsertRowid;
        for (const item of invoices) invoice.run(id, item.number, item.issuedOn, item.amountEur, item.status);
        for (const item of mailboxes) mailbox.run(id, item.address, item.quotaMb, item.createdOn);
        for (const item of tickets) ticket.run(id, item.openedOn, item.subject, item.body, item.status);
      }
    })();
  } finally {
    db.close();
  }
}
