// A load-test database for `npm run db:seed-load` and `npm run bench`: requests of every type, locale and status spread
// over two years with their audit trails, and a million consent records chained with the portal's own hash function,
// so `npm run consent:verify` passes on it. Everything is made up (names, addresses, texts); nothing is real data.
import { join } from 'node:path';
import { desc, sql } from 'drizzle-orm';
import { postgresTransactionOf } from '../../db/postgres/store.ts';
import type { SqliteStore, Store, Transaction } from '../../db/store.ts';
import { consentRecords, requestEvents, requestExports, requests } from '../../db/tables.ts';
import type { BannerStrings } from '../../src/lib/banner-config.ts';
import { decisionRecord, termsFor, type ConsentTerms } from '../../src/lib/consent-api.ts';
import { genesisHash, hashConsentRecord, type ConsentAction, type ConsentRecordFields, type ConsentSource } from '../../src/lib/consent.ts';
import { daysBetween, deadlineFor, extendedDeadline, localDate } from '../../src/lib/deadline.ts';
import { createDpoUser } from '../../src/lib/dpo.repo.ts';
import { createTranslator } from '../../src/lib/i18n.ts';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { nameSearchKey } from '../../src/lib/search-text.ts';
import { emailLookupKey } from '../../src/lib/email-address.ts';
import { hashToken } from '../../src/lib/marketing.ts';
import { readPolicyCatalog } from '../../src/lib/policy-source.ts';
import { hashPassword } from '../../src/lib/password.ts';
import type { RequestEventKind } from '../../src/lib/request-workflow.ts';
import { exportLifetimeMs, newReference, type RequestStatus, type RequestType } from '../../src/lib/requests.ts';
import type { Site } from '../../src/lib/site.ts';
import { projectRoot, readMessages, readOrganisation, readSites } from './content.ts';

export interface LoadSeedOptions {
  requests: number;
  consentRecords: number;
  /** Subjects with one consent id holding many records and an access request in progress: what the export bench uses. */
  heavySubjects: number;
  /** Consent records of each heavy subject (on average). */
  recordsPerHeavySubject: number;
  now: number;
  /** Deterministic pseudo-random numbers: the same options make the same mix. */
  seed?: number;
  log?: (line: string) => void;
}

export interface LoadSeedSummary {
  requests: number;
  requestEvents: number;
  requestExports: number;
  consentRecords: number;
  consentIds: number;
  dpoEmail: string;
  seconds: { consent: number; requests: number; total: number };
}

/** The DPO account a load database gets. Its password is random and never shown: the bench opens sessions itself. */
export const loadDpoEmail = 'dpo-load@ostria.example';

const dayMs = 24 * 60 * 60 * 1000;
const spanDays = 730;

/** mulberry32: small, fast, good enough to pick a mix. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function pick<T>(next: Random, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let point = next() * total;
  for (const [value, weight] of weighted) {
    point -= weight;
    if (point < 0) return value;
  }
  return (weighted[weighted.length - 1] as readonly [T, number])[0];
}

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function consentIdFrom(next: Random): string {
  let id = '';
  for (let index = 0; index < 22; index += 1) id += base64url[Math.floor(next() * 64)];
  return id;
}

const localeWeights = [
  ['el', 40],
  ['bg', 20],
  ['nl', 20],
  ['pl', 20],
] as const satisfies readonly (readonly [Locale, number])[];
const typeWeights = [
  ['access', 35],
  ['erasure', 25],
  ['rectification', 12],
  ['objection', 10],
  ['portability', 10],
  ['restriction', 8],
] as const satisfies readonly (readonly [RequestType, number])[];

const people: Record<Locale, { first: string[]; last: string[]; domains: string[] }> = {
  el: {
    first: ['Eleni', 'Giorgos', 'Maria', 'Nikos', 'Katerina', 'Dimitris', 'Sofia', 'Kostas'],
    last: ['Papadopoulou', 'Georgiou', 'Nikolaou', 'Ioannidis', 'Vlachou', 'Karagiannis'],
    domains: ['mail.gr.example', 'ostria-mail.example'],
  },
  bg: {
    first: ['Ivan', 'Maria', 'Georgi', 'Elena', 'Dimitar', 'Petya', 'Nikolay', 'Desislava'],
    last: ['Ivanov', 'Petrova', 'Georgiev', 'Dimitrova', 'Stoyanov', 'Todorova'],
    domains: ['abv.bg.example', 'ostria-mail.example'],
  },
  nl: {
    first: ['Jan', 'Anna', 'Pieter', 'Sanne', 'Daan', 'Lotte', 'Bram', 'Eva'],
    last: ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'de Boer'],
    domains: ['ziggo.nl.example', 'ostria-mail.example'],
  },
  pl: {
    first: ['Anna', 'Piotr', 'Katarzyna', 'Tomasz', 'Agnieszka', 'Marcin', 'Magdalena', 'Paweł'],
    last: ['Nowak', 'Kowalska', 'Wiśniewski', 'Wójcik', 'Kamińska', 'Lewandowski'],
    domains: ['wp.pl.example', 'ostria-mail.example'],
  },
};

interface Person {
  name: string;
  email: string;
  locale: Locale;
  consentId: string | null;
}

function makePerson(next: Random, index: number, consentId: string | null): Person {
  const locale = pick(next, localeWeights);
  const { first, last, domains } = people[locale];
  const given = first[Math.floor(next() * first.length)] as string;
  const family = last[Math.floor(next() * last.length)] as string;
  const local = `${given}.${family.replace(/\s/g, '')}${index}`;
  // Most people type their address in lower case; some do not, and the DPO must still find them.
  const email = `${next() < 0.1 ? local : local.toLowerCase()}@${domains[Math.floor(next() * domains.length)]}`;
  return { name: `${given} ${family}`, email, locale, consentId };
}

function consentChoice(next: Random): {
  action: ConsentAction;
  source: ConsentSource;
  choices: { preferences: boolean; analytics: boolean; marketing: boolean };
} {
  const action = pick(next, [
    ['accept-all', 45],
    ['reject-all', 30],
    ['custom', 15],
    ['withdraw', 5],
    ['gpc', 5],
  ] as const);
  const source: ConsentSource = action === 'gpc' ? 'gpc' : next() < 0.1 ? 'preferences' : 'banner';
  if (action === 'accept-all') return { action, source, choices: { preferences: true, analytics: true, marketing: true } };
  if (action === 'custom') return { action, source, choices: { preferences: next() < 0.7, analytics: next() < 0.5, marketing: next() < 0.2 } };
  return { action, source, choices: { preferences: false, analytics: false, marketing: false } };
}

type RequestRowValues = Omit<typeof requests.$inferInsert, 'id'>;

/**
 * Where the seed writes, row by row: on SQLite prepared statements on the connection itself (a new file, nothing else
 * runs meanwhile), on PostgreSQL multi-row inserts of a thousand rows at a time. `full()` says when the buffered rows
 * should be written (`flush()`); on SQLite rows are written at once and it never is.
 */
interface SeedWriter {
  group(work: () => Promise<void>): Promise<void>;
  record(fields: ConsentRecordFields, previousHash: string, recordHash: string): void;
  /** The request's id. */
  request(row: RequestRowValues): number;
  event(requestId: number, at: number, actor: string, kind: RequestEventKind, detail: string | null): void;
  export(requestId: number, at: number, expiresAt: number, content: string, contentHash: string): void;
  full(): boolean;
  flush(): Promise<void>;
  lastHash(): Promise<string>;
  done(): Promise<void>;
}

function sqliteWriter(store: SqliteStore): SeedWriter {
  const client = store.handle.$client;
  // Fast bulk load: the database is new, so a crash halfway means starting again, not losing anything.
  client.pragma('journal_mode = MEMORY');
  client.pragma('synchronous = OFF');
  client.pragma('cache_size = -400000');
  client.pragma('temp_store = MEMORY');
  const insertRecord = client.prepare(
    `insert into consent_records (consent_id, site_id, origin, recorded_at, action, source, preferences, analytics, marketing,
       locale, policy_document, policy_version, text_hash, banner_version, revision, expires_at, gpc_signal, previous_hash, record_hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertRequest = client.prepare(
    `insert into requests (reference, type, locale, name, name_key, email, email_key, customer_reference, consent_id, consent_id_linked_by, details, inaccurate_data,
       correct_data, scope, grounds, format, status, received_at, due_on, due_at, extension_days, extension_reason,
       verified_at, closed_at, outcome, status_token_hash, verify_token_hash, verify_expires_at)
     values (@reference, @type, @locale, @name, @nameKey, @email, @emailKey, @customerReference, @consentId, @consentIdLinkedBy, @details, @inaccurateData,
       @correctData, @scope, @grounds, @format, @status, @receivedAt, @dueOn, @dueAt, @extensionDays, @extensionReason,
       @verifiedAt, @closedAt, @outcome, @statusTokenHash, @verifyTokenHash, @verifyExpiresAt)`,
  );
  const insertEvent = client.prepare('insert into request_events (request_id, occurred_at, actor, kind, detail) values (?, ?, ?, ?, ?)');
  const insertExport = client.prepare('insert into request_exports (request_id, created_at, expires_at, content, content_hash) values (?, ?, ?, ?, ?)');
  return {
    group: async (work) => {
      client.exec('begin');
      try {
        await work();
        client.exec('commit');
      } catch (error) {
        client.exec('rollback');
        throw error;
      }
    },
    record: (fields, previousHash, recordHash) =>
      void insertRecord.run(
        fields.consentId,
        fields.siteId,
        fields.origin,
        fields.recordedAt,
        fields.action,
        fields.source,
        Number(fields.preferences),
        Number(fields.analytics),
        Number(fields.marketing),
        fields.locale,
        fields.policyDocument,
        fields.policyVersion,
        fields.textHash,
        fields.bannerVersion,
        fields.revision,
        fields.expiresAt,
        Number(fields.gpcSignal),
        previousHash,
        recordHash,
      ),
    request: (row) => Number(insertRequest.run(row).lastInsertRowid),
    event: (requestId, at, actor, kind, detail) => void insertEvent.run(requestId, at, actor, kind, detail),
    export: (requestId, at, expiresAt, content, contentHash) => void insertExport.run(requestId, at, expiresAt, content, contentHash),
    full: () => false,
    flush: async () => {},
    lastHash: async () =>
      (client.prepare('select record_hash from consent_records order by id desc limit 1').pluck().get() as string | undefined) ?? genesisHash,
    done: async () => {
      client.pragma('journal_mode = WAL');
      client.pragma('synchronous = FULL');
    },
  };
}

function postgresWriter(store: Store): SeedWriter {
  const batchSize = 1_000;
  let tx: Transaction | undefined;
  let records: (typeof consentRecords.$inferInsert)[] = [];
  let requestRows: (typeof requests.$inferInsert)[] = [];
  let events: (typeof requestEvents.$inferInsert)[] = [];
  let exports: (typeof requestExports.$inferInsert)[] = [];
  // Request ids are given here (their events name them before the requests are written), then the sequence moves past them.
  let nextRequestId = 0;
  const within = () => {
    if (!tx) throw new Error('the seed writes inside a group');
    return tx;
  };
  const flush = async () => {
    const open = within();
    // Parents first: events and exports refer to their requests.
    if (records.length) await open.insert(consentRecords).values(records);
    if (requestRows.length) await open.insert(requests).values(requestRows);
    if (events.length) await open.insert(requestEvents).values(events);
    if (exports.length) await open.insert(requestExports).values(exports);
    records = [];
    requestRows = [];
    events = [];
    exports = [];
  };
  return {
    group: async (work) => {
      await store.transaction(async (open) => {
        tx = open;
        if (nextRequestId === 0) {
          const [row] = await open.select({ last: sql<number>`coalesce(max(${requests.id}), 0)`.mapWith(Number) }).from(requests);
          nextRequestId = (row?.last ?? 0) + 1;
        }
        await work();
        await flush();
        if (nextRequestId > 1) await postgresTransactionOf(open)?.execute(sql`select setval(pg_get_serial_sequence('requests', 'id'), ${nextRequestId - 1})`);
        tx = undefined;
      });
    },
    record: (fields, previousHash, recordHash) => void records.push({ ...fields, previousHash, recordHash, hashVersion: 1 }),
    request: (row) => {
      const id = nextRequestId++;
      requestRows.push({ ...row, id });
      return id;
    },
    event: (requestId, at, actor, kind, detail) => void events.push({ requestId, occurredAt: at, actor, kind, detail }),
    export: (requestId, at, expiresAt, content, contentHash) => void exports.push({ requestId, createdAt: at, expiresAt, content, contentHash }),
    full: () => records.length + requestRows.length + events.length >= batchSize,
    flush,
    lastHash: () =>
      store.read(async (db) => {
        const [last] = await db.select({ hash: consentRecords.recordHash }).from(consentRecords).orderBy(desc(consentRecords.id)).limit(1);
        return last?.hash ?? genesisHash;
      }),
    done: async () => {},
  };
}

/**
 * Seeds an empty, migrated database, on either store. One transaction per table group; on SQLite prepared statements
 * and no fsync until the end, on PostgreSQL inserts of a thousand rows at a time.
 */
export async function seedLoadDatabase(store: Store, options: LoadSeedOptions): Promise<LoadSeedSummary> {
  const log = options.log ?? (() => {});
  const next = random(options.seed ?? 20_260_501);
  const writer = store.dialect === 'sqlite' ? sqliteWriter(store as SqliteStore) : postgresWriter(store);
  const started = performance.now();
  const organisation = readOrganisation();
  const timeZone = organisation.timeZone;
  const sites = readSites();
  const { catalog } = readPolicyCatalog(join(projectRoot, 'content/policies'));
  const strings = new Map(
    locales.map((locale) => [locale, createTranslator(locale, readMessages(locale))('banner', { returnObjects: true }) as unknown as BannerStrings]),
  );
  const from = options.now - spanDays * dayMs;

  // --- Consent records: every decision chained to the one before, as the portal appends them. ---
  const heavyCount = Math.min(options.heavySubjects, Math.floor(options.consentRecords / Math.max(1, options.recordsPerHeavySubject)));
  const heavyIds = Array.from({ length: heavyCount }, () => consentIdFrom(next));
  const heavyShare = options.consentRecords ? (heavyCount * options.recordsPerHeavySubject) / options.consentRecords : 0;
  // Ordinary visitors decide about two to three times in two years (renewals, changes of mind, new policy versions).
  const ordinaryIds = Array.from({ length: Math.max(1, Math.round((options.consentRecords * (1 - heavyShare)) / 2.5)) }, () => consentIdFrom(next));
  const usedIds = new Set<string>();
  const termsCache = new Map<string, ConsentTerms>();
  const termsOn = (site: Site, locale: Locale, day: string) => {
    const key = `${site.id}|${locale}|${day}`;
    let terms = termsCache.get(key);
    if (!terms) {
      terms = termsFor(site, locale, catalog, strings.get(locale) as BannerStrings, day);
      termsCache.set(key, terms);
    }
    return terms;
  };
  const origins: Record<string, string> = { portal: 'https://privacy.ostria.example', demo: 'http://localhost:4322' };
  const consentStarted = performance.now();
  let day = '';
  let dayEnds = 0;
  let previousHash = await writer.lastHash();
  await writer.group(async () => {
    const step = (options.now - from) / Math.max(1, options.consentRecords);
    for (let index = 0; index < options.consentRecords; index += 1) {
      const recordedAt = Math.floor(from + index * step + next() * step);
      if (recordedAt >= dayEnds) {
        day = localDate(recordedAt, timeZone);
        dayEnds = recordedAt + 60 * 60 * 1000; // the day is looked up again at most hourly
      }
      const heavy = next() < heavyShare;
      const consentId = heavy ? (heavyIds[Math.floor(next() * heavyIds.length)] as string) : (ordinaryIds[Math.floor(next() * ordinaryIds.length)] as string);
      usedIds.add(consentId);
      const site =
        (heavy || next() < 0.3 ? sites.find((candidate) => candidate.id === 'portal') : sites.find((candidate) => candidate.id === 'demo')) ??
        (sites[0] as Site);
      const locale = pick(next, localeWeights);
      const { action, source, choices } = consentChoice(next);
      const fields = decisionRecord(
        { site, consentId, origin: origins[site.id] ?? 'https://ostria.example', action, source, locale, choices, gpcSignal: action === 'gpc' },
        termsOn(site, locale, day),
        recordedAt,
      );
      const recordHash = hashConsentRecord(previousHash, fields);
      writer.record(fields, previousHash, recordHash);
      previousHash = recordHash;
      if (writer.full()) await writer.flush();
      if (index > 0 && index % 200_000 === 0) log(`  ${index.toLocaleString('en')} consent records…`);
    }
  });
  const consentSeconds = (performance.now() - consentStarted) / 1000;
  log(`${options.consentRecords.toLocaleString('en')} consent records (${usedIds.size.toLocaleString('en')} consent ids) in ${consentSeconds.toFixed(1)} s`);

  // --- Requests, their audit trails and the exports of completed access and portability requests. ---
  const requestsStarted = performance.now();
  const references = new Set<string>();
  const dpoActor = `dpo:${organisation.dpo.email}`;
  // About one person in five asks more than once; a fifth of the people name the consent id of their cookie.
  const pool = Array.from({ length: Math.max(1, Math.round(options.requests * 0.8)) }, (_, index) =>
    makePerson(next, index, next() < 0.2 ? (ordinaryIds[Math.floor(next() * ordinaryIds.length)] as string) : null),
  );
  const heavyPeople = heavyIds.map((consentId, index) => ({ ...makePerson(next, 1_000_000 + index, consentId), consentId }));
  // Each heavy subject: two answered access requests long ago, and one in progress now (the bench completes these).
  const heavyPlan = new Map<number, { person: Person; current: boolean }>();
  const requestStep = (options.now - from) / Math.max(1, options.requests);
  heavyPeople.forEach((person, index) => {
    const slots = [Math.floor(next() * options.requests * 0.5), Math.floor(options.requests * 0.5 + next() * options.requests * 0.4)];
    // In progress: received 5 to 20 days ago.
    const currentSlot = options.requests - 1 - Math.floor((5 + next() * 15) * (dayMs / requestStep)) - (index % 7);
    for (const slot of slots) if (!heavyPlan.has(slot)) heavyPlan.set(slot, { person, current: false });
    if (currentSlot >= 0) heavyPlan.set(currentSlot, { person, current: true });
  });

  let eventCount = 0;
  let exportCount = 0;
  await writer.group(async () => {
    for (let index = 0; index < options.requests; index += 1) {
      const receivedAt = Math.floor(from + index * requestStep + next() * requestStep);
      const ageDays = (options.now - receivedAt) / dayMs;
      const planned = heavyPlan.get(index);
      const person = planned?.person ?? (pool[Math.floor(next() * pool.length)] as Person);
      const type: RequestType = planned ? 'access' : pick(next, typeWeights);
      let status: RequestStatus;
      if (planned?.current) status = 'in-progress';
      else if (planned) status = 'completed';
      else if (ageDays > 40)
        status =
          next() < 0.004
            ? pick(next, [
                ['verified', 1],
                ['in-progress', 3],
              ] as const)
            : next() < 0.82
              ? 'completed'
              : 'rejected';
      else if (ageDays < 2)
        status = pick(next, [
          ['received', 5],
          ['verified', 3],
          ['in-progress', 2],
        ] as const);
      else
        status = pick(next, [
          ['received', 1],
          ['verified', 2],
          ['in-progress', 4.5],
          ['completed', 2],
          ['rejected', 0.5],
        ] as const);
      const open = status === 'received' || status === 'verified' || status === 'in-progress';
      const extended = !planned && ageDays > 20 && next() < 0.05;
      const extensionMonths = extended ? 1 + Math.floor(next() * 2) : null;
      const extensionReason = extended ? 'The request concerns several systems and archived mailboxes; collecting the data takes longer.' : null;
      const first = deadlineFor(receivedAt, timeZone);
      const { dueOn, dueAt } = extensionMonths === null ? first : extendedDeadline(first.dueOn, extensionMonths, timeZone);
      const extensionDays = extensionMonths === null ? null : daysBetween(first.dueOn, dueOn);
      const verifiedAt = status === 'received' ? null : receivedAt + Math.floor(next() * 2 * dayMs);
      const startedAt = status === 'received' || status === 'verified' ? null : (verifiedAt ?? receivedAt) + Math.floor(next() * 3 * dayMs);
      const closedAt = open ? null : Math.min(dueAt, (startedAt ?? receivedAt) + Math.floor(next() * 25 * dayMs), options.now - 1000);
      const outcome =
        status === 'completed'
          ? 'We have answered your request; the details are in this message and, where it applies, in the attached export.'
          : status === 'rejected'
            ? 'We could not confirm that the request came from the account holder.'
            : null;
      let reference = newReference(Number(localDate(receivedAt, timeZone).slice(0, 4)));
      while (references.has(reference)) reference = newReference(Number(localDate(receivedAt, timeZone).slice(0, 4)));
      references.add(reference);
      const row = {
        reference,
        type,
        locale: person.locale,
        name: person.name,
        nameKey: nameSearchKey(person.name),
        email: person.email,
        emailKey: emailLookupKey(person.email),
        customerReference: next() < 0.3 ? `C-${10_000 + Math.floor(next() * 90_000)}` : null,
        consentId: person.consentId,
        // Sent from the browser whose cookie holds it, as the form does: proven, so its records join the person's export.
        consentIdLinkedBy: person.consentId ? ('browser' as const) : null,
        details:
          type === 'restriction'
            ? 'Please stop using my data for profiling while my complaint is open.'
            : next() < 0.2
              ? 'Please include my support tickets.'
              : null,
        inaccurateData: type === 'rectification' ? 'Postal address: Odos Egnatias 1' : null,
        correctData: type === 'rectification' ? 'Postal address: Odos Egnatias 12' : null,
        scope: type === 'erasure' || type === 'objection' ? 'My newsletter profile and my closed hosting account.' : null,
        grounds: type === 'erasure' || type === 'objection' ? 'I no longer use the service and never agreed to this use.' : null,
        format: type === 'portability' ? 'json' : null,
        status,
        receivedAt,
        dueOn,
        dueAt,
        extensionDays,
        extensionReason,
        verifiedAt,
        closedAt,
        outcome,
        statusTokenHash: hashToken(`load-status-${reference}-${next()}`),
        verifyTokenHash: status === 'received' ? hashToken(`load-verify-${reference}-${next()}`) : null,
        verifyExpiresAt: status === 'received' ? receivedAt + 72 * 60 * 60 * 1000 : null,
      };
      const requestId = writer.request(row);
      const event = (at: number, actor: string, kind: RequestEventKind, detail: Record<string, unknown> | null) => {
        writer.event(requestId, at, actor, kind, detail && JSON.stringify(detail));
        eventCount += 1;
      };
      event(receivedAt, 'requester', 'received', null);
      if (verifiedAt !== null) {
        const byLink = next() < 0.85;
        event(verifiedAt, byLink ? 'requester' : dpoActor, 'identity-verified', { method: byLink ? 'email-link' : 'customer-account' });
      }
      if (startedAt !== null) event(startedAt, dpoActor, 'started', null);
      if (extended)
        event((startedAt ?? receivedAt) + dayMs, dpoActor, 'extended', {
          months: extensionMonths,
          days: extensionDays,
          reason: extensionReason,
          dueOn,
          firstDueOn: first.dueOn,
        });
      if (next() < 0.1) event((startedAt ?? receivedAt) + 2 * dayMs, dpoActor, 'note', { text: 'Asked the hosting team for the account history.' });
      if (closedAt !== null)
        event(closedAt, dpoActor, status === 'completed' ? 'completed' : 'rejected', status === 'completed' ? { message: outcome } : { reason: outcome });
      // The export of a completed access or portability request: a small stand-in document (the bench builds real ones).
      if (status === 'completed' && (type === 'access' || type === 'portability') && closedAt !== null && (planned || options.now - closedAt < 90 * dayMs)) {
        const content = JSON.stringify({
          schemaVersion: 1,
          generatedAt: new Date(closedAt).toISOString(),
          subject: { email: person.email, consentIds: person.consentId ? [person.consentId] : [] },
          requests: [{ reference, type, status }],
          consentRecords: [],
          marketing: [],
        });
        writer.export(requestId, closedAt, closedAt + exportLifetimeMs, content, hashToken(content));
        exportCount += 1;
        if (next() < 0.6) event(closedAt + Math.floor(next() * 6 * dayMs), 'requester', 'exported', { contentHash: hashToken(content) });
      }
      if (writer.full()) await writer.flush();
      if (index > 0 && index % 25_000 === 0) log(`  ${index.toLocaleString('en')} requests…`);
    }
  });
  const passwordHash = await hashPassword(Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'));
  const user = await store.transaction((tx) => createDpoUser(tx, { email: loadDpoEmail, passwordHash, totpSecret: null, locale: 'el', now: options.now }));
  const requestsSeconds = (performance.now() - requestsStarted) / 1000;
  log(
    `${options.requests.toLocaleString('en')} requests, ${eventCount.toLocaleString('en')} events, ${exportCount.toLocaleString('en')} exports in ${requestsSeconds.toFixed(1)} s`,
  );

  await writer.done();
  return {
    requests: options.requests,
    requestEvents: eventCount,
    requestExports: exportCount,
    consentRecords: options.consentRecords,
    consentIds: usedIds.size,
    dpoEmail: user.email,
    seconds: { consent: consentSeconds, requests: requestsSeconds, total: (performance.now() - started) / 1000 },
  };
}
