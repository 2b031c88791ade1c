// Every append-only trigger on PostgreSQL against its SQLite twin: the same statements run on both stores (each case
// in a transaction rolled back afterwards, on the same rows), and both must allow or refuse them alike, with the same
// words. PostgreSQL's TRUNCATE, which SQLite lacks, is held to what SQLite's DELETE without WHERE does.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PortalDatabase } from '../../db/connection.ts';
import { closePostgresDatabase, migratePostgresDatabase, openPostgresDatabase, type PostgresDatabase } from '../../db/postgres/connection.ts';
import { migratedDatabase } from '../support/database.ts';
import { databaseForTheseTests, postgresReachable } from '../support/postgres.ts';

const consentColumns = `consent_id, site_id, origin, recorded_at, action, source, preferences, analytics, marketing, locale, policy_document,
  policy_version, text_hash, banner_version, revision, expires_at, gpc_signal, previous_hash, record_hash, hash_version, consent_salt, consent_commitment`;

/** The same rows in both stores, written by the same SQL: ids 1… in order of insertion. */
const fixture = [
  `insert into consent_records (${consentColumns}) values
    ('aaaaaaaaaaaaaaaaaaaaaa', 'demo', 'https://shop.example', 1000, 'accept-all', 'banner', true, true, true, 'el', 'privacy-notice', 1, 't', 'b1', 'r1', 9000, false, 'genesis', 'h1', 1, null, null),
    ('zzzzzzzzzzzzzzzzzzzzzz', 'demo', 'https://shop.example', 1001, 'reject-all', 'banner', false, false, false, 'bg', 'privacy-notice', 1, 't', 'b1', 'r1', 9001, false, 'h1', 'h2', 2, 'salt2', 'c2'),
    ('yyyyyyyyyyyyyyyyyyyyyy', 'demo', 'https://shop.example', 1002, 'custom', 'preferences', true, false, true, 'nl', 'privacy-notice', 1, 't', 'b1', 'r1', 9002, false, 'h2', 'h3', 2, 'salt3', 'c3'),
    ('xxxxxxxxxxxxxxxxxxxxxx', 'demo', 'https://shop.example', 1003, 'gpc', 'gpc', false, false, false, 'pl', 'privacy-notice', 1, 't', 'b1', 'r1', 9003, true, 'h3', 'h4', 2, 'salt4', 'c4'),
    ('wwwwwwwwwwwwwwwwwwwwww', 'demo', 'https://shop.example', 1004, 'withdraw', 'api', false, false, false, 'el', 'privacy-notice', 1, 't', 'b1', 'r1', 9004, false, 'h4', 'h5', 2, 'salt5', 'c5')`,
  `insert into requests (reference, type, locale, name, email, status, received_at, due_on, due_at, status_token_hash, closed_at, anonymised_at) values
    ('DSR-2026-AAAAAA', 'access', 'pl', 'Anna Nowak', 'anna@example.pl', 'completed', 1, '2026-01-31', 2, 'st1', 3, null),
    ('DSR-2025-BBBBBB', 'erasure', 'pl', '', '', 'completed', 1, '2025-01-31', 2, 'st2', 3, 5)`,
  `insert into request_events (request_id, occurred_at, actor, kind, detail) values
    (1, 1, 'requester', 'submitted', null), (1, 2, 'dpo:eleni@ostria.example', 'note', '{"text":"Anna called"}'),
    (2, 1, 'requester', 'submitted', null), (2, 2, 'dpo:eleni@ostria.example', 'note', '{"text":"Anna called again"}')`,
  `insert into marketing_subscriptions (channel, address, locale, created_at) values ('email', 'anna@example.pl', 'pl', 1)`,
  `insert into marketing_events (subscription_id, event, occurred_at, via, policy_version, wording) values (1, 'requested', 1, 'preferences', 1, 'News by email')`,
  `insert into audit_events (occurred_at, actor, kind, detail) values (1, 'system:retention', 'retention', '{"deleted":0}')`,
];

const checkpoint = (upToId: number, hash: string) =>
  `insert into consent_retention_checkpoints (up_to_id, last_deleted_hash, deleted_count, occurred_at) values (${upToId}, '${hash}', ${upToId}, 1)`;
const erase = (id: number) => `update consent_records set consent_id = 'erased', consent_salt = null, erased_at = 1 where id = ${id}`;

interface Case {
  does: string;
  /** Run in order; the outcome is the first refusal, or `allowed`. */
  sql: string[];
  /** PostgreSQL's statements when they differ (TRUNCATE for SQLite's DELETE without WHERE). */
  postgres?: string[];
  expected: 'allowed' | string;
}

const consentRecords = 'consent records are append-only';
const checkpoints = 'retention checkpoints are append-only';
const checkpointLink = 'a retention checkpoint moves forward and names the hash of the last record it removes';
const marketingEvents = 'marketing consent events are append-only';
const requestEvents = 'request events are append-only';
const auditEvents = 'audit events are append-only';

const triggers: Record<string, Case[]> = {
  consent_records_no_update: [
    { does: 'allows an erasure of a format-2 record: consent id `erased`, salt removed, time stamped', sql: [erase(2)], expected: 'allowed' },
    {
      does: 'allows an erasure of a format-1 record (it has no salt)',
      sql: [`update consent_records set consent_id = 'erased', erased_at = 1 where id = 1`],
      expected: 'allowed',
    },
    { does: 'refuses changing a choice', sql: ['update consent_records set analytics = false where id = 1'], expected: consentRecords },
    { does: 'refuses a statement that changes nothing', sql: ['update consent_records set site_id = site_id where id = 1'], expected: consentRecords },
    {
      does: 'refuses an erasure that keeps the salt',
      sql: [`update consent_records set consent_id = 'erased', erased_at = 1 where id = 2`],
      expected: consentRecords,
    },
    {
      does: 'refuses an erasure that removes the commitment',
      sql: [`update consent_records set consent_commitment = null, consent_id = 'erased', consent_salt = null, erased_at = 1 where id = 2`],
      expected: consentRecords,
    },
    {
      does: 'refuses replacing the consent id by anything but `erased`',
      sql: [`update consent_records set consent_id = 'someone', consent_salt = null, erased_at = 1 where id = 2`],
      expected: consentRecords,
    },
    {
      does: 'refuses an erasure that changes a choice too',
      sql: [`update consent_records set analytics = true, consent_id = 'erased', consent_salt = null, erased_at = 1 where id = 2`],
      expected: consentRecords,
    },
    {
      does: 'refuses an erasure that rewrites a chain link',
      sql: [`update consent_records set record_hash = 'forged', consent_id = 'erased', consent_salt = null, erased_at = 1 where id = 2`],
      expected: consentRecords,
    },
    {
      does: 'refuses changing the consent id without erasing',
      sql: [`update consent_records set consent_id = 'bbbbbbbbbbbbbbbbbbbbbb' where id = 1`],
      expected: consentRecords,
    },
    { does: 'refuses stamping an erasure time alone', sql: ['update consent_records set erased_at = 99 where id = 1'], expected: consentRecords },
    {
      does: 'refuses a second erasure of an erased record',
      sql: [erase(2), 'update consent_records set erased_at = 2 where id = 2'],
      expected: consentRecords,
    },
  ],
  consent_records_no_delete: [
    { does: 'refuses deleting a record when no checkpoint exists', sql: ['delete from consent_records where id = 1'], expected: consentRecords },
    {
      does: 'allows deleting the records up to the latest checkpoint',
      sql: [checkpoint(2, 'h2'), 'delete from consent_records where id <= 2'],
      expected: 'allowed',
    },
    {
      does: 'refuses deleting a record after the latest checkpoint',
      sql: [checkpoint(2, 'h2'), 'delete from consent_records where id = 3'],
      expected: consentRecords,
    },
  ],
  consent_records_no_truncate: [
    {
      does: 'refuses emptying the table while a record is after the latest checkpoint',
      sql: [checkpoint(4, 'h4'), 'delete from consent_records'],
      postgres: [checkpoint(4, 'h4'), 'truncate consent_records'],
      expected: consentRecords,
    },
    {
      does: 'allows emptying the table when the latest checkpoint covers every record',
      sql: [checkpoint(5, 'h5'), 'delete from consent_records'],
      postgres: [checkpoint(5, 'h5'), 'truncate consent_records'],
      expected: 'allowed',
    },
  ],
  consent_retention_checkpoints_link: [
    { does: 'allows a checkpoint naming the hash of the last record it removes', sql: [checkpoint(2, 'h2')], expected: 'allowed' },
    { does: 'allows a later checkpoint further on', sql: [checkpoint(2, 'h2'), checkpoint(4, 'h4')], expected: 'allowed' },
    { does: 'refuses a checkpoint with another hash', sql: [checkpoint(2, 'h3')], expected: checkpointLink },
    { does: 'refuses a checkpoint naming a record that does not exist', sql: [checkpoint(99, 'h2')], expected: checkpointLink },
    { does: 'refuses a checkpoint that does not move forward', sql: [checkpoint(3, 'h3'), checkpoint(2, 'h2')], expected: checkpointLink },
    { does: 'refuses the same checkpoint twice', sql: [checkpoint(2, 'h2'), checkpoint(2, 'h2')], expected: checkpointLink },
  ],
  consent_retention_checkpoints_no_update: [
    { does: 'refuses changing a checkpoint', sql: [checkpoint(2, 'h2'), 'update consent_retention_checkpoints set up_to_id = 5'], expected: checkpoints },
    {
      does: 'allows appending one (and changing none)',
      sql: [checkpoint(2, 'h2'), 'update consent_retention_checkpoints set up_to_id = 5 where id = 99'],
      expected: 'allowed',
    },
  ],
  consent_retention_checkpoints_no_delete: [
    {
      does: 'refuses deleting a checkpoint',
      sql: [checkpoint(2, 'h2'), 'delete from consent_retention_checkpoints where up_to_id = 2'],
      expected: checkpoints,
    },
    { does: 'allows a delete that matches none', sql: [checkpoint(2, 'h2'), 'delete from consent_retention_checkpoints where id = 99'], expected: 'allowed' },
  ],
  consent_retention_checkpoints_no_truncate: [
    {
      does: 'refuses emptying the table',
      sql: [checkpoint(2, 'h2'), 'delete from consent_retention_checkpoints'],
      postgres: [checkpoint(2, 'h2'), 'truncate consent_retention_checkpoints'],
      expected: checkpoints,
    },
    {
      does: 'allows emptying it while it is empty',
      sql: ['delete from consent_retention_checkpoints'],
      postgres: ['truncate consent_retention_checkpoints'],
      expected: 'allowed',
    },
  ],
  marketing_events_no_update: [
    { does: 'refuses changing an event', sql: [`update marketing_events set event = 'withdrawn'`], expected: marketingEvents },
    {
      does: 'allows appending one',
      sql: [
        `insert into marketing_events (subscription_id, event, occurred_at, via, policy_version, wording) values (1, 'confirmed', 2, 'confirmation-link', 1, 'News by email')`,
      ],
      expected: 'allowed',
    },
  ],
  marketing_events_no_delete: [
    { does: 'refuses deleting an event', sql: ['delete from marketing_events where id = 1'], expected: marketingEvents },
    { does: 'allows a delete that matches none', sql: ['delete from marketing_events where id = 99'], expected: 'allowed' },
  ],
  marketing_events_no_truncate: [
    { does: 'refuses emptying the table', sql: ['delete from marketing_events'], postgres: ['truncate marketing_events'], expected: marketingEvents },
  ],
  request_events_no_update: [
    {
      does: 'allows redacting the detail of an anonymised request’s event, once, with its time',
      sql: [`update request_events set detail = '{"redacted":["text"]}', redacted_at = 6 where request_id = 2`],
      expected: 'allowed',
    },
    {
      does: 'allows removing that detail altogether',
      sql: ['update request_events set detail = null, redacted_at = 6 where request_id = 2'],
      expected: 'allowed',
    },
    {
      does: 'refuses redacting an event of a request not anonymised',
      sql: ['update request_events set detail = null, redacted_at = 6 where request_id = 1'],
      expected: requestEvents,
    },
    {
      does: 'refuses a redacted detail that is not JSON',
      sql: [`update request_events set detail = 'Anna', redacted_at = 6 where id = 4`],
      expected: requestEvents,
    },
    {
      does: 'refuses changing who acted while redacting',
      sql: [`update request_events set actor = 'system', redacted_at = 6 where id = 4`],
      expected: requestEvents,
    },
    {
      does: 'refuses changing the kind or the time while redacting',
      sql: [`update request_events set kind = 'submitted', occurred_at = 0, redacted_at = 6 where id = 4`],
      expected: requestEvents,
    },
    {
      does: 'refuses moving an event to another request while redacting',
      sql: ['update request_events set request_id = 1, redacted_at = 6 where id = 4'],
      expected: requestEvents,
    },
    {
      does: 'refuses changing the detail without stamping the redaction',
      sql: [`update request_events set detail = '{"text":"x"}' where id = 4`],
      expected: requestEvents,
    },
    {
      does: 'refuses a second redaction',
      sql: ['update request_events set detail = null, redacted_at = 6 where id = 4', `update request_events set detail = '{}', redacted_at = 7 where id = 4`],
      expected: requestEvents,
    },
  ],
  request_events_no_delete: [
    { does: 'refuses deleting an event, even of an anonymised request', sql: ['delete from request_events where request_id = 2'], expected: requestEvents },
    {
      does: 'allows appending one',
      sql: [`insert into request_events (request_id, occurred_at, actor, kind, detail) values (1, 3, 'system', 'reminder', null)`],
      expected: 'allowed',
    },
  ],
  request_events_no_truncate: [
    { does: 'refuses emptying the table', sql: ['delete from request_events'], postgres: ['truncate request_events'], expected: requestEvents },
    {
      does: 'refuses it through a cascade from the requests',
      sql: ['delete from request_events'],
      postgres: ['truncate requests cascade'],
      expected: requestEvents,
    },
  ],
  audit_events_no_update: [
    { does: 'refuses changing an event', sql: [`update audit_events set detail = '{}'`], expected: auditEvents },
    {
      does: 'allows appending one',
      sql: [`insert into audit_events (occurred_at, actor, kind, detail) values (2, 'cli:root', 'dpo-account-created', '{"account":"eleni@ostria.example"}')`],
      expected: 'allowed',
    },
  ],
  audit_events_no_delete: [
    { does: 'refuses deleting an event', sql: ['delete from audit_events where id = 1'], expected: auditEvents },
    { does: 'allows a delete that matches none', sql: ['delete from audit_events where id = 99'], expected: 'allowed' },
  ],
  audit_events_no_truncate: [
    { does: 'refuses emptying the table', sql: ['delete from audit_events'], postgres: ['truncate audit_events'], expected: auditEvents },
  ],
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function onSqlite(db: PortalDatabase, statements: string[]): string {
  db.$client.exec('begin');
  try {
    for (const statement of statements) db.$client.prepare(statement).run();
    return 'allowed';
  } catch (error) {
    return message(error);
  } finally {
    db.$client.exec('rollback');
  }
}

async function onPostgres(db: PostgresDatabase, statements: string[]): Promise<string> {
  const client = await db.$client.connect();
  try {
    await client.query('begin');
    for (const statement of statements) await client.query(statement);
    return 'allowed';
  } catch (error) {
    return message(error);
  } finally {
    await client.query('rollback');
    client.release();
  }
}

const reachable = await postgresReachable();

describe.skipIf(!reachable)('the append-only triggers on PostgreSQL, against their SQLite twins', () => {
  const database = databaseForTheseTests();
  let postgres: PostgresDatabase;
  let sqlite: PortalDatabase;

  beforeAll(async () => {
    postgres = openPostgresDatabase(database.url);
    await migratePostgresDatabase(postgres);
    for (const statement of fixture) await postgres.$client.query(statement);
    sqlite = migratedDatabase();
    for (const statement of fixture) sqlite.$client.prepare(statement).run();
  });
  afterAll(async () => {
    sqlite?.$client.close();
    await closePostgresDatabase(postgres);
  });

  test('every PostgreSQL trigger is covered here, with an allowed and a refused case where both exist', async () => {
    const { rows } = await postgres.$client.query<{ name: string }>('select tgname as name from pg_trigger where not tgisinternal order by 1');
    expect(Object.keys(triggers).sort()).toEqual(rows.map((row) => row.name));
    const twins = sqlite.$client.prepare("select name from sqlite_master where type = 'trigger' order by name").pluck().all();
    expect(twins).toEqual(rows.map((row) => row.name).filter((name) => !name.endsWith('_no_truncate')));
    // Only the unconditional TRUNCATE refusals of tables that are never empty here lack an allowed case.
    const withoutAllowed = Object.entries(triggers)
      .filter(([, cases]) => !cases.some((c) => c.expected === 'allowed'))
      .map(([name]) => name);
    expect(withoutAllowed).toEqual(['marketing_events_no_truncate', 'request_events_no_truncate', 'audit_events_no_truncate']);
    expect(Object.values(triggers).every((cases) => cases.some((c) => c.expected !== 'allowed'))).toBe(true);
  });

  for (const [trigger, cases] of Object.entries(triggers)) {
    describe(trigger, () => {
      test.each(cases)('$does', async ({ sql, postgres: postgresSql, expected }) => {
        const outcome = { sqlite: onSqlite(sqlite, sql), postgres: await onPostgres(postgres, postgresSql ?? sql) };
        expect(outcome).toEqual({ sqlite: expected, postgres: expected });
      });
    });
  }
});
