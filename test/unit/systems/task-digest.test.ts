import { describe, expect, test } from 'vitest';
import organisationSource from '../../../content/organisation.json' with { type: 'json' };
import systemsSource from '../../../content/systems.json' with { type: 'json' };
import bg from '../../../locales/bg.json' with { type: 'json' };
import el from '../../../locales/el.json' with { type: 'json' };
import nl from '../../../locales/nl.json' with { type: 'json' };
import pl from '../../../locales/pl.json' with { type: 'json' };
import type { RequestRow, RequestTaskRow } from '../../../db/rows.ts';
import { digestEmail } from '../../../src/lib/dpo-digest.ts';
import { createTranslator } from '../../../src/lib/i18n.ts';
import type { Locale } from '../../../src/lib/locale.ts';
import { hashToken } from '../../../src/lib/marketing.ts';
import { organisationSchema } from '../../../src/lib/organisation.ts';
import { ownerTaskToken } from '../../../src/lib/systems/owner-token.ts';
import { parseSystemsRegister, resolveSystems, type System } from '../../../src/lib/systems/register.ts';
import { type DigestTask, ownerDigestEmail, tasksByOwner } from '../../../src/lib/systems/task-digest.ts';

const messages = { el, bg, nl, pl };
const translator = (locale: Locale) => createTranslator(locale, messages[locale]);
const systems = resolveSystems(parseSystemsRegister(systemsSource), {}, () => 'x'.repeat(64));
const { processors } = organisationSchema.parse(organisationSource);
const origin = 'https://privacy.ostria.example';
const secret = 'portal-secret-for-this-test-only-0123456789';
const today = '2026-12-10';
const now = Date.parse('2026-12-10T08:00:00Z');
const day = 86_400_000;

let nextId = 40;
/** An open task as the digest reads it; a manual one waiting for its owner when `waiting` gives its link's expiry. */
function entry(system: string, overrides: Partial<RequestTaskRow> = {}, request: Partial<DigestTask> = {}): DigestTask {
  const channel = system.startsWith('recipient:') ? 'email' : (systems.find((candidate) => candidate.id === system)?.kind ?? 'manual');
  const task: RequestTaskRow = {
    id: nextId++,
    requestId: 7,
    system,
    action: 'collect',
    channel,
    status: 'pending',
    dueOn: '2026-12-13',
    createdAt: now - 10 * day,
    updatedAt: now - day,
    attempts: 0,
    nextAttemptAt: null,
    leaseUntil: null,
    error: null,
    result: null,
    tokenHash: null,
    tokenExpiresAt: null,
    reason: null,
    closedAt: null,
    ...overrides,
  };
  return { task, reference: 'DSR-2026-7KQ4M2', requestType: 'access', requestDueOn: '2026-12-20', assignedTo: null, overdue: task.dueOn < today, ...request };
}

/** A manual task handed to its owner: the link's token as the manual connector makes it, stored as its hash. */
function waitingManual(overrides: Partial<RequestTaskRow> = {}, request: Partial<DigestTask> = {}): DigestTask {
  const made = entry('contract-archive', { attempts: 1, ...overrides }, request);
  const expiresAt = overrides.tokenExpiresAt ?? now + 30 * day;
  made.task.tokenExpiresAt = expiresAt;
  made.task.tokenHash = overrides.tokenHash ?? hashToken(ownerTaskToken(secret, made.task.id, expiresAt));
  return made;
}

const request = (reference: string, dueOn: string): RequestRow => ({ reference, dueOn, type: 'erasure', extensionDays: 0 }) as RequestRow;

function dpoDigest(locale: Locale, tasks: DigestTask[], overdue: RequestRow[] = []) {
  return digestEmail({
    t: translator(locale),
    locale,
    to: 'dpo@ostria.example',
    today,
    now,
    timeZone: 'Europe/Athens',
    overdue,
    dueSoon: [],
    tasks,
    systems,
    processors,
    origin,
    organisation: 'Ostria Mail & Hosting S.A.',
  });
}

function ownerDigest(tasks: DigestTask[], registered: readonly System[] = systems) {
  const [mail] = tasksByOwner(tasks, registered).map(({ owner, tasks: theirs }) =>
    ownerDigestEmail({
      t: translator(owner.locale),
      owner,
      tasks: theirs,
      systems: registered,
      today,
      now,
      origin,
      portalSecret: secret,
      organisation: 'Ostria Mail & Hosting S.A.',
      dpoEmail: 'dpo@ostria.example',
    }),
  );
  if (!mail) throw new Error('no owner mail');
  return mail;
}

describe('the DPO digest’s open tasks', () => {
  test('in Dutch: each request and each task on its own line followed by its link, a failed task with its reason, the inbox last', () => {
    const failed = entry('login-history', {
      status: 'failed',
      attempts: 3,
      error: JSON.stringify({ code: 'timeout', detail: 'after 10000 ms' }),
      dueOn: '2026-12-08',
    });
    const notify = entry('recipient:polder-support', { action: 'notify', status: 'running' }, { reference: 'DSR-2026-ERASE1', requestType: 'erasure' });
    const mail = dpoDigest('nl', [failed, notify], [request('DSR-2026-LATE01', '2026-12-07')]);
    expect(mail.subject).toBe('Aandacht nodig: 1 verzoek en 2 open taken');
    const lines = mail.text.split('\n\n');
    const at = lines.indexOf('Open taken in de systemen:');
    expect(lines.slice(at, at + 5)).toEqual([
      'Open taken in de systemen:',
      `• DSR-2026-7KQ4M2 · Aanmeldgeschiedenis · Gegevens verzamelen · Mislukt: Het systeem antwoordde niet op tijd. · taak uiterlijk 8 december 2026 · ${translator('nl')('requests.status.overdue', { count: 2 })}`,
      `${origin}/dpo/requests/DSR-2026-7KQ4M2#tasks`,
      `• DSR-2026-ERASE1 · Polder Support B.V. · Ontvanger informeren (art. 19) · Bezig · taak uiterlijk 13 december 2026 · ${translator('nl')('requests.status.daysLeft', { count: 3 })}`,
      `${origin}/dpo/requests/DSR-2026-ERASE1#tasks`,
    ]);
    // The request line keeps its form and gains its own link; the inbox link stays at the end.
    const late = lines.findIndex((line) => line.startsWith('• DSR-2026-LATE01 · '));
    expect(lines[late + 1]).toBe(`${origin}/dpo/requests/DSR-2026-LATE01`);
    expect(mail.links?.at(-1)).toBe(`${origin}/dpo?status=open`);
    expect(mail.links).toEqual([
      `${origin}/dpo/requests/DSR-2026-LATE01`,
      `${origin}/dpo/requests/DSR-2026-7KQ4M2#tasks`,
      `${origin}/dpo/requests/DSR-2026-ERASE1#tasks`,
      `${origin}/dpo?status=open`,
    ]);
    expect(mail.html).toContain(`<a href="${origin}/dpo/requests/DSR-2026-7KQ4M2#tasks">`);
  });

  test('in Greek, with only tasks open: its own subject and introduction, the system named in Greek', () => {
    const mail = dpoDigest('el', [entry('customer-database', { status: 'running' })]);
    expect(mail.subject).toBe('1 ανοιχτή εργασία στα συστήματα');
    expect(mail.text).toContain('Κανένα αίτημα δεν είναι εκπρόθεσμο ούτε λήγει εντός 7 ημερών');
    expect(mail.text).toContain('• DSR-2026-7KQ4M2 · Βάση δεδομένων πελατών · Συλλογή δεδομένων · Σε εξέλιξη · εργασία έως 13 Δεκεμβρίου 2026 · ');
    expect(mail.text).not.toContain(translator('el')('dpo.email.digestIntro', { date: '10 Δεκεμβρίου 2026' }));
  });

  test('in Polish, the plural of 2 and of 5 tasks', () => {
    const tasks = Array.from({ length: 5 }, () => entry('customer-database'));
    expect(dpoDigest('pl', tasks.slice(0, 2)).subject).toBe('2 otwarte zadania w systemach');
    expect(dpoDigest('pl', tasks).subject).toBe('5 otwartych zadań w systemach');
    expect(dpoDigest('pl', tasks.slice(0, 2), [request('DSR-2026-LATE01', '2026-12-07')]).subject).toBe('Do przejrzenia: 1 żądanie i 2 otwarte zadania');
  });
});

describe('the digest of a system’s owner', () => {
  test('in Bulgarian, greeted by name: what to do, the request, the due date, and their private link to the task page', () => {
    const waiting = waitingManual({ action: 'erase' }, { requestType: 'erasure' });
    const mail = ownerDigest([waiting]);
    expect(mail.to).toBe('archive@ostria.example');
    expect(mail.subject).toBe('Искания относно лични данни: 1 отворена задача във вашите системи');
    const token = ownerTaskToken(secret, waiting.task.id, waiting.task.tokenExpiresAt ?? 0);
    const link = `${origin}/bg/tasks/${waiting.task.id}?token=${encodeURIComponent(token)}`;
    expect(mail.links).toEqual([link]);
    expect(hashToken(new URL(link).searchParams.get('token') ?? '')).toBe(waiting.task.tokenHash);
    const lines = mail.text.split('\n\n');
    expect(lines[0]).toBe('Здравейте, Maria Ivanova,');
    expect(lines[2]).toBe(
      [
        `• DSR-2026-7KQ4M2 · Искане за изтриване · Архив на договорите · срок до 13 декември 2026 г. · ${translator('bg')('requests.status.daysLeft', { count: 3 })}`,
        'Изтрийте данните на това лице от системата „Архив на договорите“ и потвърдете, че е направено.',
        'Вашата лична връзка към тази задача (не я препращайте):',
      ].join('\n'),
    );
    expect(lines[3]).toBe(link);
  });

  test('no link when the row’s hash is not the derived token’s (a link replaced since) or the link has expired: the owner is told to ask the DPO', () => {
    const replaced = waitingManual({ tokenHash: hashToken('another token') });
    const expired = waitingManual({ tokenExpiresAt: now - 1 });
    const notYet = entry('contract-archive');
    const mail = ownerDigest([replaced, expired, notYet]);
    expect(mail.links).toEqual([]);
    expect(mail.text).not.toContain('/tasks/');
    const askDpo = 'В момента няма валидна връзка за тази задача: поискайте нова от длъжностното лице по защита на данните (dpo@ostria.example).';
    expect(mail.text.split(askDpo)).toHaveLength(4);
  });

  test('in Dutch, a webhook the portal could not reach: why, and to tell the DPO when it is fixed; a database that runs fine is not the owner’s business', () => {
    const failed = entry('login-history', { status: 'failed', attempts: 3, error: JSON.stringify({ code: 'unreachable', detail: 'ECONNREFUSED' }) });
    const fine = entry('customer-database', { status: 'running' });
    const owners = tasksByOwner([failed, fine], systems);
    expect(owners.map(({ owner, tasks }) => [owner.email, tasks.length])).toEqual([['security@ostria.example', 1]]);
    const mail = ownerDigest([failed, fine]);
    expect(mail.subject).toBe('Privacyverzoeken: 1 open taak in jouw systemen');
    expect(mail.text).toContain('Hallo Sanne de Vries,');
    expect(mail.text).toContain(
      'Het portaal kon het systeem ‘Aanmeldgeschiedenis’ niet bereiken. Wat er misging: Het systeem was niet bereikbaar. Laat de functionaris voor gegevensbescherming (dpo@ostria.example) weten wanneer het verholpen is, dan wordt de taak opnieuw uitgevoerd.',
    );
    expect(mail.text).not.toContain('ECONNREFUSED');
    expect(mail.links).toEqual([]);
  });

  test('one mail per owner address, whatever its case, in Polish with the plural of 2 and of 5 tasks; greeted without a name when the register gives none', () => {
    const manual = systems.find((system) => system.id === 'contract-archive');
    if (!manual) throw new Error('no manual system');
    const owner = { email: 'Archiwum@Ostria.example', locale: 'pl' as const };
    const registered: System[] = [
      { ...manual, owner },
      { ...manual, id: 'paper-files', owner: { ...owner, email: 'archiwum@ostria.example' } },
    ];
    const tasks = [entry('contract-archive'), entry('paper-files'), entry('contract-archive'), entry('paper-files'), entry('contract-archive')];
    expect(tasksByOwner(tasks, registered)).toHaveLength(1);
    expect(ownerDigest(tasks.slice(0, 2), registered).subject).toBe('Żądania dotyczące danych osobowych: 2 otwarte zadania w Twoich systemach');
    const five = ownerDigest(tasks, registered);
    expect(five.subject).toBe('Żądania dotyczące danych osobowych: 5 otwartych zadań w Twoich systemach');
    expect(five.text).toContain('jest 5 otwartych zadań:');
    expect(five.text.startsWith('Dzień dobry,\n\n')).toBe(true);
  });

  test('owners with nothing open get nothing', () => {
    expect(tasksByOwner([], systems)).toEqual([]);
    expect(tasksByOwner([entry('recipient:polder-support', { action: 'notify' })], systems)).toEqual([]);
  });
});
