import { chromium } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { baseURL, chromiumArgs } from './browser.ts';
import { findChromium } from './find-chromium.ts';

describe('findChromium()', () => {
  test('CHROMIUM_PATH wins, and a wrong one is named instead of quietly falling back', async () => {
    expect(await findChromium({ CHROMIUM_PATH: '/nowhere/chromium' })).toEqual({ missing: 'CHROMIUM_PATH names /nowhere/chromium, which does not exist.' });
  });

  test('without apt’s Chromium, the one npm brought is unpacked and renders the portal’s Greek page', async () => {
    const found = await findChromium({}, { debianPath: '/nowhere/usr/bin/chromium' });
    expect(found).toMatchObject({ source: '@sparticuz/chromium' });
    if (!('path' in found)) throw new Error(found.missing);
    const browser = await chromium.launch({ executablePath: found.path, headless: true, args: chromiumArgs });
    try {
      const page = await browser.newPage();
      await page.goto(`${baseURL}/el/`);
      await expect.poll(() => page.getAttribute('html', 'lang')).toBe('el');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/[Α-Ωα-ω]/);
    } finally {
      await browser.close();
    }
  });
});
