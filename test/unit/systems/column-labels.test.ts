import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { systemsRegisterSchema } from '../../../src/lib/systems/register.ts';
import { readWebhookAnswer } from '../../../src/lib/systems/webhook-answer.ts';

const shipped = JSON.parse(readFileSync('content/systems.json', 'utf8')) as { systems: { statements?: { access?: { columns?: unknown }[] } }[] };
const label = { el: 'Αριθμός πελάτη', bg: 'Клиентски номер', nl: 'Klantnummer', pl: 'Numer klienta' };

describe('column labels: what the person reads above each column of their package', () => {
  test('the shipped register names every column of the sample company’s access queries in all four languages', () => {
    const register = systemsRegisterSchema.parse(shipped);
    const database = register.systems.find((system) => system.kind === 'sql');
    if (database?.kind !== 'sql') throw new Error('no sql system');
    for (const query of database.statements.access) {
      const selected =
        /^SELECT (.*?) FROM/
          .exec(query.sql)?.[1]
          ?.split(',')
          .map((column) => column.trim().split('.').pop()) ?? [];
      expect(Object.keys(query.columns ?? {}), query.name).toEqual(selected);
    }
  });

  test('a label missing a language refuses the register', () => {
    const broken = structuredClone(shipped);
    const query = broken.systems[0]?.statements?.access?.[0] as { columns: Record<string, Record<string, string>> };
    query.columns = { customer_ref: { el: 'Αριθμός πελάτη', bg: 'Клиентски номер', nl: 'Klantnummer' } };
    expect(systemsRegisterSchema.safeParse(broken).success).toBe(false);
  });

  test('a webhook may label its columns; labels for columns its table lacks are a bad answer', () => {
    const table = { name: 'logins', columns: ['at', 'ip'], rows: [['2026-11-30T08:12:00Z', '203.0.113.0/24']] };
    const labelled = readWebhookAnswer(JSON.stringify({ tables: [{ ...table, columnLabels: { at: label } }] }), 'collect', 0);
    expect(labelled).toMatchObject({ ok: true, result: { tables: [{ columnLabels: { at: label } }] } });
    expect(readWebhookAnswer(JSON.stringify({ tables: [{ ...table, columnLabels: { when: label } }] }), 'collect', 0)).toEqual({
      ok: false,
      problem: 'badAnswer',
    });
    expect(readWebhookAnswer(JSON.stringify({ tables: [{ ...table, columnLabels: { at: { el: 'Χρόνος' } } }] }), 'collect', 0)).toEqual({
      ok: false,
      problem: 'badAnswer',
    });
  });
});
