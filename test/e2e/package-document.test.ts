import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { migratedStore, type TestStore } from '../support/database.ts';
import { answeredRequest } from '../support/package.ts';
import { axeViolations, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';

// Issue 15: the readable document of a package, opened from the unzipped file with no network at all. The package is
// made by the database-level builder (test/support/package.ts: the completion the DPO's button runs, on a real store),
// which is what the portal's completion stores; going through the portal's pages would add nothing to the document.
const shots = join(import.meta.dirname, '../../.shots');
let session: BrowserSession;
let store: TestStore;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  if (hasBrowser) session = await launchBrowser();
});
beforeEach(async () => {
  store = await migratedStore();
});
afterEach(() => store.close());
afterAll(async () => {
  await session?.close();
});

/** Widths that overflow the page: each table, and each cell, measured against the page's own width. */
function overflowingTables(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('table')].flatMap((table) => {
      const region = table.closest('.table');
      const cut = (region ? region.scrollWidth > region.clientWidth + 1 : false) || table.getBoundingClientRect().right > width + 1;
      const cells = [...table.querySelectorAll('th, td')].filter((cell) => cell.getBoundingClientRect().right > width + 1);
      return cut || cells.length ? [`${table.querySelector('caption')?.textContent ?? '?'}: ${cells.length} cells past ${width}px`] : [];
    });
  });
}

describe.skipIf(!hasBrowser)('the readable document of a package', () => {
  test.each([
    ['el', 'access'],
    ['nl', 'portability'],
  ] as const)('in %s (%s) works offline, passes axe, and prints with no table cut off at 1280 px', async (locale, type) => {
    const { zip } = await answeredRequest(store, type, locale);
    const html = strFromU8(zip['index.html'] ?? new Uint8Array());
    const context = await session.newContext({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('h1').count()).toBe(1);
    // A ticket's script shows as text, and nothing ran.
    expect(await page.locator('td', { hasText: '<script>alert(1)</script>' }).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);

    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(await overflowingTables(page)).toEqual([]);
    await page.screenshot({ path: join(shots, `package-${locale}-screen.png`), fullPage: true });

    await page.emulateMedia({ media: 'print' });
    expect(await overflowingTables(page)).toEqual([]);
    // On paper a link's address follows its text, once: not after a link whose text is the address already.
    const printed = await page.evaluate(() =>
      [...document.querySelectorAll('a')].map((link) => [link.textContent, getComputedStyle(link, '::after').content] as const),
    );
    const after = (text: string) => printed.filter(([shown]) => shown === text).map(([, content]) => content);
    expect(after('https://www.dpa.gr')).toEqual(['none', 'none']);
    expect(after('dpo@ostria.example').every((content) => content === 'none')).toBe(true);
    expect(printed.filter(([, content]) => content !== 'none').length).toBeGreaterThan(0);
    for (const [shown, content] of printed) expect(content === 'none' || !content.includes(`(${shown})`), `${shown} ${content}`).toBe(true);
    await page.screenshot({ path: join(shots, `package-${locale}-print.png`), fullPage: true });
    // The same in pieces a person (or a reviewer's image viewer) can read at full size.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, piece = 1; y < height; y += 1200, piece += 1)
      await page.screenshot({
        path: join(shots, `package-${locale}-print-${piece}.png`),
        fullPage: true,
        clip: { x: 0, y, width: 1280, height: Math.min(1200, height - y) },
      });
    // An A4 page is about 794 CSS pixels wide: the tables wrap to it rather than run off the paper.
    await page.setViewportSize({ width: 794, height: 1123 });
    expect(await overflowingTables(page)).toEqual([]);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    expect(requested).toEqual([]);
    await context.close();
  });
});
