import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const lib = join(import.meta.dirname, '../../src/lib');
// The SQLite-only fast path of the consent append, behind `sqliteClientOf` (db/store.ts), is the one allowed exception.
const sqliteOnly = new Set(['consent.repo.ts:sqliteAppend']);

/** Each use of an executing method only better-sqlite3's drizzle driver has, with the function it sits in. */
function sqliteOnlyCalls(file: string): string[] {
  const found: string[] = [];
  let inside = '';
  for (const [index, line] of readFileSync(join(lib, file), 'utf8').split('\n').entries()) {
    inside = /^(?:export )?(?:async )?function\*? ?(\w+)/.exec(line)?.[1] ?? inside;
    if (/\.(get|all|run)\(\)|\$client|\b(db|tx|client)\.transaction\(|\bPortalDatabase\b/.test(line) && !sqliteOnly.has(`${file}:${inside}`))
      found.push(`${file}:${index + 1}: ${line.trim()}`);
  }
  return found;
}

describe('the repositories in src/lib', () => {
  test('use only what drizzle offers on both the SQLite and the PostgreSQL query builders', () => {
    const files = readdirSync(lib).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(sqliteOnlyCalls)).toEqual([]);
  });
});

describe('the code that serves', () => {
  test('takes its tables from db/tables.ts, which picks the store of the process, never one dialect’s schema', () => {
    const served = ['src/lib', 'src/server', 'src/pages', 'src/actions'].flatMap((folder) =>
      readdirSync(join(import.meta.dirname, '../..', folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.(ts|astro)$/.test(file))
        .map((file) => join(folder, file)),
    );
    const offenders = served.filter((file) =>
      /^import (?!type )[^;]*from '[./]*db\/(postgres\/)?schema\.ts'/m.test(readFileSync(join(import.meta.dirname, '../..', file), 'utf8')),
    );
    expect(served.length).toBeGreaterThan(40);
    expect(offenders).toEqual([]);
  });
});
