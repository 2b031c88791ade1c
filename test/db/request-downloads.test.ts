import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import organisationSource from '../../content/organisation.json' with { type: 'json' };
import { newToken } from '../../src/lib/marketing.ts';
import { organisationSchema } from '../../src/lib/organisation.ts';
import { completeRequest } from '../../src/lib/request-completion.ts';
import { renewDownloads } from '../../src/lib/request-downloads.repo.ts';
import { answerFilesUntil } from '../../src/lib/request-downloads.ts';
import { attachFiles, filesListOf, removeFile, requestFileOf } from '../../src/lib/request-files.repo.ts';
import { createRequest, eventsOf, exportOf, findRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { exportLifetimeMs, requestSubmissionSchema, type RequestType } from '../../src/lib/requests.ts';
import { checkUpload, type CheckedUpload } from '../../src/lib/uploads.ts';

const organisation = organisationSchema.parse(organisationSource);
const dpo = 'dpo:eleni@ostria.example';
const received = Date.parse('2026-11-20T10:15:00Z');
const day = 86_400_000;

let store: TestStore;
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());

async function startedRequest(type: RequestType, email = 'daan@example.nl') {
  const submission = requestSubmissionSchema.parse({
    type,
    locale: 'nl',
    name: 'Daan de Vries',
    email,
    declaration: true,
    ...(type === 'rectification' ? { inaccurateData: 'Mijn adres', correctData: 'Dorpsstraat 1' } : {}),
    ...(type === 'erasure' || type === 'objection' ? { scope: 'Alles', grounds: 'Geen klant meer' } : {}),
  });
  const request = await createRequest(store, {
    submission,
    now: received,
    timeZone: organisation.timeZone,
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  expect((await takeAction(store, request.reference, { action: 'verify', method: 'email-link' }, 'requester', received)).ok).toBe(true);
  expect((await takeAction(store, request.reference, { action: 'start' }, dpo, received + 1000)).ok).toBe(true);
  return request;
}

const complete = (reference: string, now: number) =>
  completeRequest(store, { reference, message: 'Hierbij uw gegevens.', actor: dpo, now, organisation, portalOrigin: 'https://privacy.example' });

function upload(name: string, content: string): CheckedUpload {
  const checked = checkUpload(name, Buffer.from(content));
  if (!checked.ok) throw new Error(checked.problem);
  return checked.file;
}
const pdf = () => upload('antwoord.pdf', '%PDF-1.4\n% het antwoord\n%%EOF\n');

describe('renewDownloads()', () => {
  test('moves an expired package to 7 days from now, with an export-renewed event the requester sees, in one go', async () => {
    const request = await startedRequest('access');
    const completedAt = received + 2 * day;
    expect((await complete(request.reference, completedAt)).ok).toBe(true);
    const before = await store.read((db) => exportOf(db, request.id));
    expect(before?.expiresAt).toBe(completedAt + exportLifetimeMs);
    const now = completedAt + 9 * day;
    const renewed = await renewDownloads(store, request.reference, dpo, now);
    expect(renewed).toMatchObject({ ok: true, until: now + exportLifetimeMs });
    const after = await store.read((db) => exportOf(db, request.id));
    expect(after).toMatchObject({ id: before?.id, expiresAt: now + exportLifetimeMs, contentHash: before?.contentHash });
    const last = (await eventsOf(store.db, request.id)).at(-1);
    expect(last).toMatchObject({ kind: 'export-renewed', actor: dpo, occurredAt: now });
    expect(JSON.parse(last?.detail ?? '{}')).toEqual({ until: now + exportLifetimeMs });
  });

  test('refuses a request without anything to download, and changes nothing', async () => {
    const request = await startedRequest('objection');
    expect(await renewDownloads(store, request.reference, dpo, received + day)).toEqual({ ok: false, problem: 'nothingToRenew' });
    expect((await complete(request.reference, received + day)).ok).toBe(true);
    expect(await renewDownloads(store, request.reference, dpo, received + 2 * day)).toEqual({ ok: false, problem: 'nothingToRenew' });
    expect((await eventsOf(store.db, request.id)).map((event) => event.kind)).not.toContain('export-renewed');
    expect(await renewDownloads(store, 'DSR-2026-AAAAAA', dpo, received)).toEqual({ ok: false, problem: 'notFound' });
  });

  test('refuses once the subject was erased: the erasure took the package and the DPO’s attachment, nothing is renewed', async () => {
    const access = await startedRequest('access');
    await attachFiles(store, access.reference, [pdf()], dpo, received + day);
    expect((await complete(access.reference, received + day)).ok).toBe(true);
    const erasure = await startedRequest('erasure');
    expect((await takeAction(store, erasure.reference, { action: 'erase' }, dpo, received + 2 * day)).ok).toBe(true);
    expect(await store.read((db) => exportOf(db, access.id))).toBeUndefined();
    expect(await store.read((db) => filesListOf(db, access.id))).toEqual([]);
    expect((await renewDownloads(store, access.reference, dpo, received + 3 * day)).ok).toBe(false);
    expect(await renewDownloads(store, erasure.reference, dpo, received + 3 * day)).toEqual({ ok: false, problem: 'anonymised' });
    expect((await eventsOf(store.db, access.id)).map((event) => event.kind)).not.toContain('export-renewed');
  });

  test('renews the links to the files of an answered rectification: 7 days from completion, then from the renewal', async () => {
    const request = await startedRequest('rectification');
    expect((await attachFiles(store, request.reference, [pdf()], dpo, received + day)).ok).toBe(true);
    const completedAt = received + 2 * day;
    expect((await complete(request.reference, completedAt)).ok).toBe(true);
    const answered = await store.read((db) => findRequest(db, request.reference));
    if (!answered) throw new Error('gone');
    expect(answerFilesUntil(answered, await eventsOf(store.db, request.id))).toBe(completedAt + exportLifetimeMs);
    const now = completedAt + 10 * day;
    const renewed = await renewDownloads(store, request.reference, dpo, now);
    expect(renewed.ok && renewed.files.map((file) => file.name)).toEqual(['antwoord.pdf']);
    expect(answerFilesUntil(answered, await eventsOf(store.db, request.id))).toBe(now + exportLifetimeMs);
  });
});

describe('attachFiles() and removeFile()', () => {
  test('store the DPO’s files with their events (name, size, hash; never the content), and removes one with its event', async () => {
    const request = await startedRequest('access');
    const file = pdf();
    expect((await attachFiles(store, request.reference, [file, upload('facturen.csv', 'nummer;bedrag\n1;10\n')], dpo, received + day)).ok).toBe(true);
    const files = await store.read((db) => filesListOf(db, request.id));
    expect(files.map((row) => [row.origin, row.taskId, row.name, row.mediaType, row.size])).toEqual([
      ['dpo', null, 'antwoord.pdf', 'application/pdf', file.size],
      ['dpo', null, 'facturen.csv', 'text/csv', 19],
    ]);
    const stored = await store.read((db) => requestFileOf(db, request.id, files[0]?.id ?? 0));
    expect(Buffer.from(stored?.contentBase64 ?? '', 'base64').equals(file.content)).toBe(true);
    const attached = (await eventsOf(store.db, request.id)).filter((event) => event.kind === 'file-attached');
    expect(attached.map((event) => JSON.parse(event.detail ?? '{}'))).toEqual([
      { origin: 'dpo', fileId: files[0]?.id, name: 'antwoord.pdf', mediaType: 'application/pdf', size: file.size, sha256: file.sha256 },
      expect.objectContaining({ name: 'facturen.csv', size: 19 }),
    ]);
    expect(attached.map((event) => event.detail).join('')).not.toContain('het antwoord');

    expect((await removeFile(store, request.reference, files[1]?.id ?? 0, dpo, received + day + 1)).ok).toBe(true);
    expect((await store.read((db) => filesListOf(db, request.id))).map((row) => row.name)).toEqual(['antwoord.pdf']);
    const removed = (await eventsOf(store.db, request.id)).at(-1);
    expect(removed?.kind).toBe('file-removed');
    expect(JSON.parse(removed?.detail ?? '{}')).toMatchObject({ fileId: files[1]?.id, name: 'facturen.csv', size: 19 });
  });

  test('refuse after the answer, and refuse to remove a file that is not the DPO’s attachment on this request', async () => {
    const request = await startedRequest('access');
    const other = await startedRequest('access', 'iemand@example.nl');
    await attachFiles(store, other.reference, [pdf()], dpo, received + day);
    const othersFile = (await store.read((db) => filesListOf(db, other.id)))[0];
    expect(await removeFile(store, request.reference, othersFile?.id ?? 0, dpo, received + day)).toEqual({ ok: false, problem: 'notFound' });
    await attachFiles(store, request.reference, [pdf()], dpo, received + day);
    expect((await complete(request.reference, received + 2 * day)).ok).toBe(true);
    expect(await attachFiles(store, request.reference, [pdf()], dpo, received + 3 * day)).toEqual({ ok: false, problem: 'closed' });
    const mine = (await store.read((db) => filesListOf(db, request.id)))[0];
    expect(await removeFile(store, request.reference, mine?.id ?? 0, dpo, received + 3 * day)).toEqual({ ok: false, problem: 'closed' });
    expect(await store.read((db) => filesListOf(db, request.id))).toHaveLength(1);
  });

  test('an attachment that cannot be stored leaves none of the post’s files and no event', async () => {
    const request = await startedRequest('access');
    const broken = { ...pdf(), name: null as unknown as string };
    await expect(attachFiles(store, request.reference, [pdf(), broken], dpo, received + day)).rejects.toThrow();
    expect(await store.read((db) => filesListOf(db, request.id))).toEqual([]);
    expect((await eventsOf(store.db, request.id)).map((event) => event.kind)).not.toContain('file-attached');
  });
});
