import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import { createTranslator, formatCalendarDate } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { createMailer, type Mailer } from '../../src/lib/mailer.ts';
import { hashToken, newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { buildSubjectExportV2 } from '../../src/lib/package/subject-export-v2.ts';
import { readAllLocaleMessages } from '../../src/lib/portal-content.ts';
import { createRequest, eventsOf, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { manualConnector } from '../../src/lib/systems/manual.ts';
import { answerOwnerTask, openOwnerTask } from '../../src/lib/systems/owner-task.repo.ts';
import { ownerLinkValidMs } from '../../src/lib/systems/owner-token.ts';
import { parseSystemsRegister, resolveSystems, type System } from '../../src/lib/systems/register.ts';
import { createTaskRunner } from '../../src/lib/systems/runner.ts';
import { retryTask, tasksOf } from '../../src/lib/systems/tasks.repo.ts';
import { planTasks } from '../../src/lib/systems/tasks.ts';
import { checkUpload, type CheckedUpload } from '../../src/lib/uploads.ts';
import { migratedStore, type TestStore } from '../support/database.ts';

// The manual channel: the owner of a system is emailed, in their own language, a private link to the task page; the
// link's token is stored only as its hash; their answer (files or "nothing held") finishes the task and stores the
// files in one transaction; a spent, wrong or expired token is refused and recorded on the request's trail.

const organisation = organisationSchema.parse(organisationSource);
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
for (const schema of ['request.v1.json', 'subject-export.v1.json', 'subject-export.v2.json'])
  ajv.addSchema(JSON.parse(readFileSync(join(process.cwd(), 'public/schemas', schema), 'utf8')));
const validPackageData = ajv.getSchema('/schemas/subject-export.v2.json') as NonNullable<ReturnType<typeof ajv.getSchema>>;
const messages = readAllLocaleMessages(process.cwd());
const translatorFor = (locale: Locale) => createTranslator(locale, messages[locale]);
const portalSecret = 'a-portal-secret-for-the-manual-channel-test';
const name = (text: string) => ({ el: text, bg: text, nl: text, pl: text });
const systems = resolveSystems(
  parseSystemsRegister({
    systems: [
      {
        id: 'paper-archive',
        kind: 'manual',
        name: { el: 'Αρχείο', bg: 'Архив', nl: 'Papieren archief', pl: 'Archiwum' },
        owner: { email: 'archive@ostria.example', locale: 'nl', name: 'Joost de Vries' },
        categories: [name('Contracts')],
      },
      {
        id: 'call-recordings',
        kind: 'manual',
        name: { el: 'Ηχογραφήσεις κλήσεων', bg: 'Записи', nl: 'Gespreksopnamen', pl: 'Nagrania' },
        owner: { email: 'calls@ostria.example', locale: 'el' },
        categories: [name('Recordings')],
      },
    ],
  }),
  {},
) as System[];

let store: TestStore;
let dir: string;
let outbox: string;
let now: number;

beforeEach(async () => {
  store = await migratedStore();
  dir = mkdtempSync(join(tmpdir(), 'portal-manual-'));
  outbox = join(dir, 'outbox');
  now = Date.parse('2026-12-04T10:00:00Z');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const outboxMailer = () => createMailer({ from: 'Ostria <privacy@ostria.example>', outboxDir: outbox, log: { info: () => undefined } });

function runner(mailer: Mailer = outboxMailer(), retryDelaysMs: number[] = []) {
  return createTaskRunner({
    store,
    systems,
    processors: [],
    connectors: { manual: manualConnector({ mailer, translatorFor, organisation, portalSecret }) },
    clock: () => now,
    portalOrigin: 'https://privacy.ostria.example',
    retryDelaysMs,
  });
}

async function startedAccessRequest() {
  const request = await createRequest(store, {
    submission: requestSubmissionSchema.parse({
      type: 'access',
      locale: 'pl',
      name: 'Anna Nowak',
      email: 'anna.nowak@example.com',
      customerReference: 'OST-55555',
      declaration: true,
    }),
    now,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
  const planned = planTasks('access', systems, []);
  expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-12-04' } }, 'dpo:dpo@ostria.example', now)).ok).toBe(
    true,
  );
  return request;
}

async function mailsTo(to: string) {
  const files = readdirSync(outbox).filter((file) => file.endsWith('.eml'));
  const mails = await Promise.all(
    files.map(async (file) => ({ raw: readFileSync(join(outbox, file), 'utf8'), parsed: await simpleParser(readFileSync(join(outbox, file))) })),
  );
  return mails.filter((mail) => (Array.isArray(mail.parsed.to) ? '' : mail.parsed.to?.text) === to);
}

/** The owner's link from their mail, and its token. */
async function ownerLink(to: string) {
  const [mail] = await mailsTo(to);
  const link = /https:\/\/privacy\.ostria\.example\/\S+/.exec(mail?.parsed.text ?? '')?.[0] ?? '';
  return { mail, link, token: new URL(link).searchParams.get('token') ?? '', taskId: /\/tasks\/(\d+)/.exec(link)?.[1] ?? '' };
}

const csv = checkUpload('contracts.csv', Buffer.from('contract,signed\nC-1,2024-01-03\n'));
const pdf = checkUpload('scan.pdf', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));
const files = [csv, pdf].map((checked) => {
  if (!checked.ok) throw new Error('fixture not accepted');
  return checked.file;
});

describe('a manual system', () => {
  test("its owner is emailed in their own language the task, only the verified identifiers and a private link whose token's hash is the task's", async () => {
    const request = await startedAccessRequest();
    expect(await runner().runDue()).toBe(2);
    const tasks = await tasksOf(store.db, request.id);
    expect(tasks.map((task) => [task.system, task.status, task.nextAttemptAt])).toEqual([
      ['paper-archive', 'pending', null],
      ['call-recordings', 'pending', null],
    ]);

    const { mail, link, token, taskId } = await ownerLink('archive@ostria.example');
    expect(mail?.parsed.subject).toBe(
      `Taak voor Papieren archief: verzoek ${request.reference} (uiterlijk ${formatCalendarDate(tasks[0]?.dueOn ?? '', 'nl')})`,
    );
    expect(mail?.raw).toMatch(/^Content-Language: nl$/m);
    expect(mail?.parsed.text).toContain('Hallo Joost de Vries,');
    expect(mail?.parsed.text).toContain('E-mailadres: anna.nowak@example.com');
    // Typed by the requester, proven by nothing yet: the owner does not get it.
    expect(mail?.parsed.text).not.toContain('OST-55555');
    expect(link.startsWith(`https://privacy.ostria.example/nl/tasks/${tasks[0]?.id}?token=`)).toBe(true);
    expect(taskId).toBe(String(tasks[0]?.id));
    expect(hashToken(token)).toBe(tasks[0]?.tokenHash);
    expect(tasks[0]?.tokenExpiresAt).toBe(now + ownerLinkValidMs);
    // The link is stored nowhere but as the hash.
    expect(JSON.stringify(await eventsOf(store.db, request.id))).not.toContain(token);

    const greek = await ownerLink('calls@ostria.example');
    expect(greek.mail?.parsed.subject).toMatch(/^Εργασία για το σύστημα Ηχογραφήσεις κλήσεων: αίτημα DSR-/);
    expect(greek.link).toContain(`/el/tasks/${tasks[1]?.id}?token=`);
    expect(hashToken(greek.token)).toBe(tasks[1]?.tokenHash);
    expect(greek.token).not.toBe(token);
  });

  test("the DPO's retry sends the owner a new link; the old one stops working", async () => {
    const request = await startedAccessRequest();
    await runner().runDue();
    const first = await ownerLink('archive@ostria.example');
    now += 60_000;
    expect(await retryTask(store, Number(first.taskId), 'dpo:dpo@ostria.example', now)).toBeDefined();
    expect(await runner().runDue()).toBe(1);
    const mails = await mailsTo('archive@ostria.example');
    expect(mails).toHaveLength(2);
    const newest = mails.map((mail) => /token=([\w%-]+)/.exec(mail.parsed.text ?? '')?.[1] ?? '').find((token) => token !== first.token) ?? '';
    const [task] = await tasksOf(store.db, request.id);
    expect(task?.tokenHash).toBe(hashToken(decodeURIComponent(newest)));
    expect(task?.tokenExpiresAt).toBe(now + ownerLinkValidMs);
    expect((await openOwnerTask(store, { taskId: first.taskId, token: first.token, now })).kind).toBe('notFound');
    expect((await openOwnerTask(store, { taskId: first.taskId, token: decodeURIComponent(newest), now })).kind).toBe('open');
  });

  test("a rectification: the owner reads the requester's own words in the mail and on opening, and confirms what was done", async () => {
    const request = await createRequest(store, {
      submission: requestSubmissionSchema.parse({
        type: 'rectification',
        locale: 'pl',
        name: 'Anna Nowak',
        email: 'anna.nowak@example.com',
        inaccurateData: 'Mój adres to ul. Długa 5, nie Krótka 5.',
        correctData: 'ul. Długa 5, 00-001 Warszawa',
        declaration: true,
      }),
      now,
      timeZone: 'Europe/Athens',
      statusTokenHashFor: () => newToken().hash,
      verifyTokenHash: newToken().hash,
    });
    expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', now)).ok).toBe(true);
    const planned = planTasks('rectification', systems.slice(0, 1), []);
    expect(planned).toEqual([{ system: 'paper-archive', action: 'forward', channel: 'manual', runsAtStart: true }]);
    expect((await takeAction(store, request.reference, { action: 'start', tasks: { planned, today: '2026-12-04' } }, 'dpo:dpo@ostria.example', now)).ok).toBe(
      true,
    );
    await runner().runDue();
    const { mail, token, taskId } = await ownerLink('archive@ostria.example');
    const nl = translatorFor('nl');
    expect(mail?.parsed.text).toContain(nl('ownerTask.todo.forward', { system: 'Papieren archief' }));
    expect(mail?.parsed.text).toContain(`${nl('requests.form.inaccurateData')}:\nMój adres to ul. Długa 5, nie Krótka 5.`);
    expect(mail?.parsed.text).toContain(`${nl('requests.form.correctData')}:\nul. Długa 5, 00-001 Warszawa`);
    const opened = await openOwnerTask(store, { taskId, token, now });
    if (opened.kind !== 'open') throw new Error(`not open: ${opened.kind}`);
    expect(opened.request.correctData).toBe('ul. Długa 5, 00-001 Warszawa');
    expect(
      await answerOwnerTask(store, {
        task: opened.task,
        tokenHash: opened.tokenHash,
        answer: { kind: 'confirmed', note: 'Adres in het contract aangepast.' },
        now,
      }),
    ).toBe(true);
    const [task] = await tasksOf(store.db, request.id);
    expect([task?.status, JSON.parse(task?.result ?? '{}')]).toEqual(['done', { kind: 'confirmed', note: 'Adres in het contract aangepast.', by: 'owner' }]);
  });

  test('a mail that cannot be sent fails the attempt (mailFailed) and is tried again', async () => {
    await startedAccessRequest();
    const broken: Mailer = { send: () => Promise.reject(new Error('connection refused')) };
    await runner(broken, [60_000]).runDue();
    const tasks = await tasksOf(store.db, 1);
    expect(tasks.map((task) => [task.status, JSON.parse(task.error ?? '{}').code, task.nextAttemptAt, task.tokenHash])).toEqual([
      ['pending', 'mailFailed', now + 60_000, null],
      ['pending', 'mailFailed', now + 60_000, null],
    ]);
  });

  test("the owner's files finish the task and are stored with it; the package lists them and the other system as holding nothing", async () => {
    const request = await startedAccessRequest();
    await runner().runDue();
    const archive = await ownerLink('archive@ostria.example');
    const opened = await openOwnerTask(store, { taskId: archive.taskId, token: archive.token, now });
    if (opened.kind !== 'open') throw new Error(`not open: ${opened.kind}`);
    expect(opened.identifiers).toEqual({ email: 'anna.nowak@example.com', customerReference: null, phone: null });
    const later = now + 3_600_000;
    expect(
      await answerOwnerTask(store, {
        task: opened.task,
        tokenHash: opened.tokenHash,
        answer: { kind: 'files', files, note: 'Two contracts found.' },
        now: later,
      }),
    ).toBe(true);
    const calls = await ownerLink('calls@ostria.example');
    const second = await openOwnerTask(store, { taskId: calls.taskId, token: calls.token, now });
    if (second.kind !== 'open') throw new Error(`not open: ${second.kind}`);
    expect(
      await answerOwnerTask(store, {
        task: second.task,
        tokenHash: second.tokenHash,
        answer: { kind: 'nothing', note: 'No calls from this address.' },
        now: later,
      }),
    ).toBe(true);

    const [done, nothing] = await tasksOf(store.db, request.id);
    expect(done?.status).toBe('done');
    expect(done?.tokenHash).toBeNull();
    expect(JSON.parse(done?.result ?? '{}')).toEqual({ kind: 'collected', tables: [], collectedAt: later, note: 'Two contracts found.' });
    const stored = await store.rows<{
      task_id: number;
      origin: string;
      name: string;
      media_type: string;
      size: number;
      sha256: string;
      content_base64: string;
    }>('select task_id, origin, name, media_type, size, sha256, content_base64 from request_files where request_id = ? order by id', request.id);
    expect(stored.map((file) => [file.task_id, file.origin, file.name, file.media_type, file.size])).toEqual([
      [done?.id, 'owner', 'contracts.csv', 'text/csv', files[0]?.size],
      [done?.id, 'owner', 'scan.pdf', 'application/pdf', files[1]?.size],
    ]);
    expect(
      Buffer.from(stored[1]?.content_base64 ?? '', 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const events = await eventsOf(store.db, request.id);
    const finished = events.filter((event) => event.kind === 'task-done').map((event) => ({ actor: event.actor, ...JSON.parse(event.detail ?? '{}') }));
    expect(finished).toEqual([
      { actor: 'owner:paper-archive', task: done?.id, system: 'paper-archive', tables: [], spentToken: hashToken(archive.token), files: 2, nothingHeld: false },
      {
        actor: 'owner:call-recordings',
        task: nothing?.id,
        system: 'call-recordings',
        tables: [],
        spentToken: hashToken(calls.token),
        files: 0,
        nothingHeld: true,
      },
    ]);

    const data = await buildSubjectExportV2(store.db, {
      email: 'anna.nowak@example.com',
      organisation,
      portalOrigin: 'https://privacy.ostria.example',
      now: later,
      requestId: request.id,
      systems,
    });
    expect(data.files.map((file) => [file.name, file.path, file.system])).toEqual([
      ['contracts.csv', 'files/contracts.csv', 'paper-archive'],
      ['scan.pdf', 'files/scan.pdf', 'paper-archive'],
    ]);
    expect(data.systems).toEqual([]);
    expect(validPackageData(JSON.parse(JSON.stringify(data))), JSON.stringify(validPackageData.errors)).toBe(true);
    expect(data.systemsWithoutData).toEqual([{ system: 'call-recordings', name: systems[1]?.name, reason: 'holds-nothing' }]);
  });

  test('a failure while storing the files leaves the task waiting with its link, and nothing stored', async () => {
    const request = await startedAccessRequest();
    await runner().runDue();
    const archive = await ownerLink('archive@ostria.example');
    const opened = await openOwnerTask(store, { taskId: archive.taskId, token: archive.token, now });
    if (opened.kind !== 'open') throw new Error(`not open: ${opened.kind}`);
    const unreadable = {
      ...files[1],
      content: {
        toString() {
          throw new Error('the disk is full');
        },
      },
    } as unknown as CheckedUpload;
    await expect(
      answerOwnerTask(store, {
        task: opened.task,
        tokenHash: opened.tokenHash,
        answer: { kind: 'files', files: [files[0] as CheckedUpload, unreadable], note: '' },
        now,
      }),
    ).rejects.toThrow('the disk is full');
    const [task] = await tasksOf(store.db, request.id);
    expect([task?.status, task?.tokenHash]).toEqual(['pending', hashToken(archive.token)]);
    expect(await store.value('select count(*) from request_files')).toBe(0);
    expect((await eventsOf(store.db, request.id)).some((event) => event.kind === 'task-done')).toBe(false);
    // The owner can still answer with the same link.
    expect((await openOwnerTask(store, { taskId: archive.taskId, token: archive.token, now })).kind).toBe('open');
  });

  test('a spent link is refused as answered already, a wrong or expired one as such, each recorded; an unknown task records nothing', async () => {
    const request = await startedAccessRequest();
    await runner().runDue();
    const archive = await ownerLink('archive@ostria.example');
    const calls = await ownerLink('calls@ostria.example');
    const opened = await openOwnerTask(store, { taskId: archive.taskId, token: archive.token, now });
    if (opened.kind !== 'open') throw new Error(`not open: ${opened.kind}`);
    expect(await answerOwnerTask(store, { task: opened.task, tokenHash: opened.tokenHash, answer: { kind: 'nothing', note: 'Nothing on paper.' }, now })).toBe(
      true,
    );

    expect((await openOwnerTask(store, { taskId: archive.taskId, token: archive.token, now })).kind).toBe('answered');
    // The same answer again (a second tab) changes nothing.
    expect(await answerOwnerTask(store, { task: opened.task, tokenHash: opened.tokenHash, answer: { kind: 'files', files, note: '' }, now })).toBe(false);
    expect(await store.value('select count(*) from request_files')).toBe(0);
    // Another task's token opens nothing here.
    expect((await openOwnerTask(store, { taskId: archive.taskId, token: calls.token, now })).kind).toBe('notFound');
    expect((await openOwnerTask(store, { taskId: calls.taskId, token: calls.token, now: now + ownerLinkValidMs + 1 })).kind).toBe('expired');
    expect((await openOwnerTask(store, { taskId: '999999', token: calls.token, now })).kind).toBe('notFound');
    expect((await openOwnerTask(store, { taskId: calls.taskId, token: null, now })).kind).toBe('notFound');

    const refusals = (await eventsOf(store.db, request.id))
      .filter((event) => event.kind === 'task-callback-refused')
      .map((event) => JSON.parse(event.detail ?? '{}') as { task: number; problem: string });
    expect(refusals.map((refusal) => [String(refusal.task), refusal.problem])).toEqual([
      [archive.taskId, 'reusedToken'],
      [archive.taskId, 'wrongToken'],
      [calls.taskId, 'expiredToken'],
      [calls.taskId, 'wrongToken'],
    ]);
  });
});
