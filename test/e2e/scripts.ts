import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createTranslator, type Translate } from '../../src/lib/i18n.ts';
import type { Locale } from '../../src/lib/locale.ts';
import { node, root } from '../../scripts/support/server-process.ts';
import { readMessages } from '../../scripts/support/content.ts';

const dataDir = inject('dataDir');

/** Runs one of the project's npm scripts (by its file) against the test portal's database and outbox. */
export function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(node, [join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_PATH: join(dataDir, 'portal.db'), OUTBOX_DIR: join(dataDir, 'outbox'), ...env },
    encoding: 'utf8',
  });
}

/** The UI strings of a locale, as a test reads what a page or an email should say. */
export function translate(locale: Locale): Translate {
  return createTranslator(locale, readMessages(locale));
}
