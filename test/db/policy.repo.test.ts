import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../db/connection.ts';
import { migratedStore, type TestStore } from '../support/database.ts';
import type { Executor } from '../../db/store.ts';
import { policyVersions } from '../../db/tables.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';
import { findPublishedText, PolicyTextAlteredError, publishPolicyTexts } from '../../src/lib/policy.repo.ts';

const texts = readPolicyTexts(join(import.meta.dirname, '../../content/policies'));
let store: TestStore;
let db: Executor;

beforeEach(async () => {
  store = await migratedStore();
  db = store.db;
});
afterEach(() => store.close());

describe('publishPolicyTexts()', () => {
  test('records every text once with its hash', async () => {
    expect(await publishPolicyTexts(store, texts, '2026-11-20')).toEqual({ recorded: 20, updated: 0 });
    expect(await publishPolicyTexts(store, texts, '2026-11-20')).toEqual({ recorded: 0, updated: 0 });
    const row = await findPublishedText(db, 'privacy-notice', 2, 'pl');
    expect(row?.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.effectiveOn).toBe('2026-10-01');
  });

  test('refuses to change a text already in effect and leaves the database as it was', async () => {
    await publishPolicyTexts(store, texts, '2026-11-20');
    const edited = texts.map((text) =>
      text.version === 1 && text.locale === 'nl' && text.document === 'privacy-notice' ? { ...text, textHash: 'edited' } : text,
    );
    const extra = { ...texts[0]!, document: 'cookie-policy' as const, version: 9, locale: 'el' as const };
    await expect(publishPolicyTexts(store, [...edited, extra], '2026-11-20')).rejects.toThrow(PolicyTextAlteredError);
    await expect(publishPolicyTexts(store, edited, '2026-11-20')).rejects.toThrow('privacy-notice v1 (nl), in effect since 2025-05-25');
    expect(await db.select().from(policyVersions)).toHaveLength(20);
    expect(await findPublishedText(db, 'cookie-policy', 9, 'el')).toBeUndefined();
  });

  test('lets a text that is not in effect yet be corrected', async () => {
    await publishPolicyTexts(store, texts, '2026-09-01');
    const corrected = texts.map((text) => (text.version === 2 && text.document === 'privacy-notice' ? { ...text, textHash: 'corrected' } : text));
    expect(await publishPolicyTexts(store, corrected, '2026-09-01')).toEqual({ recorded: 0, updated: 4 });
    expect((await findPublishedText(db, 'privacy-notice', 2, 'el'))?.textHash).toBe('corrected');
  });
});

describe('openDatabase()', () => {
  test('uses WAL, full sync and a busy timeout on a file database', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'portal-db-'));
    const file = openDatabase(join(dir, 'nested', 'portal.db'));
    expect(file.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(file.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(file.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    file.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
