// Which Chromium the browser tests drive: CHROMIUM_PATH when set, else Debian's /usr/bin/chromium, else the one the
// @sparticuz/chromium devDependency carries compressed (unpacked into the temporary folder, about 3 s the first
// time), so `npm install && npm test` needs no apt.
import { existsSync } from 'node:fs';

export interface FoundChromium {
  path: string;
  /** Where it came from, for the one line the test run prints. */
  source: 'CHROMIUM_PATH' | 'Debian' | '@sparticuz/chromium';
}

export const debianChromium = '/usr/bin/chromium';

/** The browser to use, or why there is none (a sentence naming every place looked at); `debianPath` is for tests. */
export async function findChromium(
  env: Record<string, string | undefined>,
  { debianPath = debianChromium }: { debianPath?: string } = {},
): Promise<FoundChromium | { missing: string }> {
  if (env.CHROMIUM_PATH) {
    return existsSync(env.CHROMIUM_PATH)
      ? { path: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' }
      : { missing: `CHROMIUM_PATH names ${env.CHROMIUM_PATH}, which does not exist.` };
  }
  if (existsSync(debianPath)) return { path: debianPath, source: 'Debian' };
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    const path = await packaged.executablePath();
    if (existsSync(path)) return { path, source: '@sparticuz/chromium' };
    return { missing: `No Chromium at ${debianPath}, and @sparticuz/chromium unpacked nothing at ${path}.` };
  } catch (error) {
    return {
      missing: `No Chromium at ${debianPath}, and @sparticuz/chromium could not provide one (${error instanceof Error ? error.message : String(error)}); set CHROMIUM_PATH or run npm install.`,
    };
  }
}
