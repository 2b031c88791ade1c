import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../db/connection.ts';
import { createMailer } from '../../src/lib/mailer.ts';
import { createPrivateFile, makePrivateFolder } from '../../src/lib/private-files.ts';
import { tightenPortalFiles } from '../../scripts/support/private-files.ts';
import { createLogger } from '../../src/lib/log.ts';

// The usual umask of an operator's shell: without care, files come out 0644 and folders 0755.
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
  rmSync(scratch, { recursive: true, force: true });
});

const scratch = mkdtempSync(join(tmpdir(), 'portal-private-files-'));
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('createPrivateFile() and makePrivateFolder()', () => {
  test('make a file 0600 and every missing folder 0700; an existing file is not touched', () => {
    const folder = join(scratch, 'made', 'deeper');
    makePrivateFolder(folder);
    expect([modeOf(join(scratch, 'made')), modeOf(folder)]).toEqual(['700', '700']);
    const file = join(folder, 'file');
    expect(createPrivateFile(file)).toBe(true);
    expect(modeOf(file)).toBe('600');
    chmodSync(file, 0o640);
    expect(createPrivateFile(file)).toBe(false);
    expect(modeOf(file)).toBe('640');
  });
});

describe('openDatabase()', () => {
  test('a new database, its WAL and its SHM are 0600, in a folder made 0700', () => {
    const path = join(scratch, 'db-folder', 'portal.db');
    const db = openDatabase(path);
    db.$client.exec('create table t (x); insert into t values (1)');
    expect([modeOf(join(scratch, 'db-folder')), modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual(['700', '600', '600', '600']);
    db.$client.close();
  });
});

describe('the outbox', () => {
  test('every mail is 0600, in a folder made 0700', async () => {
    const outboxDir = join(scratch, 'outbox-made');
    const sent = await createMailer({ from: 'dpo@example.org', outboxDir, log: createLogger({ write: () => {} }) }).send({
      to: 'ewa@example.pl',
      subject: 'Wniosek',
      text: 'Treść',
      html: '<p>Treść</p>',
    });
    expect([modeOf(outboxDir), modeOf(sent.file ?? '')]).toEqual(['700', '600']);
  });
});

describe('tightenPortalFiles()', () => {
  test('makes an older install private (files 0600, folders 0700) and says what it changed', () => {
    const data = join(scratch, 'old', 'data');
    const outbox = join(data, 'outbox');
    mkdirSync(outbox, { recursive: true, mode: 0o755 });
    const files = ['portal.db', 'portal.db-wal', 'portal.db-shm', 'portal-secret', 'portal.db.before-restore-2024'].map((name) => join(data, name));
    for (const file of [...files, join(outbox, 'a.eml')]) writeFileSync(file, 'x', { mode: 0o644 });
    chmodSync(data, 0o755);
    const lines = tightenPortalFiles(join(data, 'portal.db'), outbox);
    expect([...files, join(outbox, 'a.eml')].map(modeOf)).toEqual(Array(6).fill('600'));
    expect([modeOf(data), modeOf(outbox)]).toEqual(['700', '700']);
    expect(lines).toContain(`${join(data, 'portal.db')}: was readable by others (0644), now 0600`);
    expect(lines).toContain(`${data}: was readable by others (0755), now 0700`);
    expect(lines).toHaveLength(8);
    // Once private, nothing more to say.
    expect(tightenPortalFiles(join(data, 'portal.db'), outbox)).toEqual([]);
  });

  test('a folder that holds other files too keeps its mode, and the log says so; the other files are not touched', () => {
    const shared = join(scratch, 'shared');
    mkdirSync(shared, { mode: 0o755 });
    writeFileSync(join(shared, 'portal.db'), 'x', { mode: 0o644 });
    writeFileSync(join(shared, 'notes.txt'), 'x', { mode: 0o644 });
    writeFileSync(join(shared, 'other.eml'), 'x', { mode: 0o644 });
    const lines = tightenPortalFiles(join(shared, 'portal.db'), join(scratch, 'no-outbox-yet'));
    expect([modeOf(shared), modeOf(join(shared, 'portal.db')), modeOf(join(shared, 'notes.txt')), modeOf(join(shared, 'other.eml'))]).toEqual([
      '755',
      '600',
      '644',
      '644',
    ]);
    expect(lines).toEqual([
      `${join(shared, 'portal.db')}: was readable by others (0644), now 0600`,
      `${shared}: readable by others (0755), left as it is since it holds other files too; the portal's files in it are private`,
    ]);
  });
});
