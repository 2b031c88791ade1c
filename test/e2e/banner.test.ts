import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConsentCookie, type ConsentCookie } from '../../src/lib/consent-cookie.ts';
import { locales, type Locale } from '../../src/lib/locale.ts';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { axeViolations, baseURL, describeViolations, hasBrowser, launchBrowser, type BrowserSession } from './browser.ts';

interface ConsentState {
  current: { action: string; source: string; granted: string[]; denied: string[]; origin: string; locale: string };
  history: { action: string }[];
}

let session: BrowserSession;
let demo: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  if (!hasBrowser) return;
  session = await launchBrowser();
  demo = await startDemoServer({ port: 0, portalUrl: baseURL, host: 'localhost' });
});
afterAll(async () => {
  await session?.close();
  await demo?.close();
});

async function visitDemo(locale: Locale, options: Parameters<BrowserSession['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await session.browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${demo.url}?lang=${locale}`);
  return { context, page };
}

async function consentCookie(context: BrowserContext): Promise<ConsentCookie | undefined> {
  const cookie = (await context.cookies(demo.url)).find((candidate) => candidate.name === 'portal_consent');
  return parseConsentCookie(cookie?.value, Date.now() / 1000);
}

/** The portal's record of a consent id, once it holds `count` decisions (beacons arrive asynchronously). */
async function recorded(consentId: string, count: number): Promise<ConsentState> {
  let state: ConsentState | undefined;
  await expect
    .poll(
      async () => {
        const response = await fetch(`${baseURL}/api/consent/${consentId}`);
        state = response.status === 200 ? ((await response.json()) as ConsentState) : undefined;
        return state?.history.length ?? 0;
      },
      { timeout: 10_000 },
    )
    .toBe(count);
  return state as ConsentState;
}

const gatedRan = (page: Page) =>
  page.evaluate(() => ({
    analytics: (window as unknown as { analyticsRan?: boolean }).analyticsRan === true,
    marketing: (window as unknown as { marketingRan?: boolean }).marketingRan === true,
  }));

describe.skipIf(!hasBrowser)('the banner on a second origin', () => {
  describe.each(locales)('in %s', (locale) => {
    test('first visit shows three equal choices in the page language, runs nothing gated, and passes axe', async () => {
      const { context, page } = await visitDemo(locale);
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await page.locator('portal-consent').getAttribute('lang')).toBe(locale);
      const boxes = await Promise.all(
        ['accept-all', 'reject-all', 'customize'].map((action) => page.locator(`[data-consent-action="${action}"]`).boundingBox()),
      );
      for (const box of boxes) {
        expect(box?.width).toBeCloseTo(boxes[0]?.width ?? 0, 0);
        expect(box?.height).toBeCloseTo(boxes[0]?.height ?? 0, 0);
        expect(box?.height).toBeGreaterThanOrEqual(44);
      }
      const styles = await page
        .locator('[data-consent-action="accept-all"], [data-consent-action="reject-all"], [data-consent-action="customize"]')
        .evaluateAll((buttons) =>
          buttons.map((button) => {
            const style = getComputedStyle(button);
            return `${style.fontWeight} ${style.fontSize} ${style.color} ${style.backgroundColor}`;
          }),
        );
      expect(styles).toHaveLength(3);
      expect(new Set(styles).size, styles.join(' | ')).toBe(1);
      expect(await dialog.getByRole('link').first().getAttribute('href')).toBe(`${baseURL}/${locale}/policies/privacy-notice`);
      expect(await gatedRan(page)).toEqual({ analytics: false, marketing: false });
      expect(await axeViolations(page), describeViolations(await axeViolations(page))).toEqual([]);
      await context.close();
    });

    test('reject-all records every optional category denied and runs no gated script', async () => {
      const { context, page } = await visitDemo(locale);
      await page.locator('[data-consent-action="reject-all"]').click();
      await expect.poll(() => consentCookie(context)).toBeDefined();
      const cookie = await consentCookie(context);
      expect(cookie?.choices).toEqual({ preferences: false, analytics: false, marketing: false });
      const state = await recorded(cookie?.consentId ?? '', 1);
      expect(state.current).toMatchObject({
        action: 'reject-all',
        source: 'banner',
        granted: ['necessary'],
        denied: ['preferences', 'analytics', 'marketing'],
        locale,
      });
      expect(new URL(state.current.origin).hostname).toBe('localhost');
      await page.reload();
      expect(await page.getByRole('dialog').isVisible()).toBe(false);
      expect(await gatedRan(page)).toEqual({ analytics: false, marketing: false });
      await context.close();
    });

    test('accept-all runs the gated scripts and iframe', async () => {
      const { context, page } = await visitDemo(locale);
      await page.locator('[data-consent-action="accept-all"]').click();
      await expect.poll(() => gatedRan(page)).toEqual({ analytics: true, marketing: true });
      expect(await page.locator('iframe[data-category="marketing"]').getAttribute('src')).toBe('about:blank');
      const cookie = await consentCookie(context);
      expect((await recorded(cookie?.consentId ?? '', 1)).current.action).toBe('accept-all');
      await context.close();
    });

    test('customize saves exactly the chosen categories', async () => {
      const { context, page } = await visitDemo(locale);
      await page.locator('[data-consent-action="customize"]').click();
      const switches = page.getByRole('switch');
      expect(await switches.evaluateAll((all) => all.map((element) => (element as HTMLInputElement).checked))).toEqual([true, false, false, false]);
      await switches.nth(2).check();
      await page.locator('[data-consent-action="save"]').click();
      await expect.poll(() => gatedRan(page)).toEqual({ analytics: true, marketing: false });
      const cookie = await consentCookie(context);
      expect(cookie?.choices).toEqual({ preferences: false, analytics: true, marketing: false });
      const state = await recorded(cookie?.consentId ?? '', 1);
      expect(state.current).toMatchObject({ action: 'custom', granted: ['necessary', 'analytics'] });
      await context.close();
    });

    test('reopen and reject records a withdrawal, deletes the category cookies and stops the scripts', async () => {
      const { context, page } = await visitDemo(locale);
      await page.locator('[data-consent-action="accept-all"]').click();
      await expect.poll(() => gatedRan(page)).toEqual({ analytics: true, marketing: true });
      await expect.poll(async () => (await context.cookies(demo.url)).map((cookie) => cookie.name)).toContain('_osa_id');
      await page.locator('a[data-consent-open]').click();
      await page.locator('[data-consent-action="reject-all"]').click();
      await page.waitForLoadState('load');
      await expect.poll(async () => (await context.cookies(demo.url)).map((cookie) => cookie.name)).not.toContain('_osa_id');
      expect((await context.cookies(demo.url)).map((cookie) => cookie.name)).not.toContain('_osm_campaign');
      await expect.poll(() => gatedRan(page)).toEqual({ analytics: false, marketing: false });
      const cookie = await consentCookie(context);
      const state = await recorded(cookie?.consentId ?? '', 2);
      expect(state.history.map((entry) => entry.action)).toEqual(['accept-all', 'withdraw']);
      await context.close();
    });
  });

  test('Global Privacy Control: no banner, one gpc refusal, and a later choice overrides it', async () => {
    const gpcContext = await session.browser.newContext({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
    await gpcContext.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    const visitor = await gpcContext.newPage();
    await visitor.goto(`${demo.url}?lang=el`);
    await expect.poll(() => consentCookie(gpcContext)).toBeDefined();
    expect(await visitor.getByRole('dialog').isVisible()).toBe(false);
    const cookie = await consentCookie(gpcContext);
    const state = await recorded(cookie?.consentId ?? '', 1);
    expect(state.current).toMatchObject({ action: 'gpc', source: 'gpc', denied: ['preferences', 'analytics', 'marketing'] });
    await visitor.reload();
    await recorded(cookie?.consentId ?? '', 1);
    await visitor.locator('a[data-consent-open]').click();
    await visitor.locator('[data-consent-action="accept-all"]').click();
    expect((await recorded(cookie?.consentId ?? '', 2)).current.action).toBe('accept-all');
    await gpcContext.close();
  });

  test('Google Consent Mode receives an update when gtag exists', async () => {
    const context = await session.browser.newContext();
    await context.addInitScript(() => {
      const calls: unknown[][] = [];
      Object.assign(window, { gtagCalls: calls, gtag: (...args: unknown[]) => calls.push(args) });
    });
    const page = await context.newPage();
    await page.goto(`${demo.url}?lang=nl`);
    await page.locator('[data-consent-action="customize"]').click();
    await page.getByRole('switch').nth(2).check();
    await page.locator('[data-consent-action="save"]').click();
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { gtagCalls: unknown[][] }).gtagCalls.filter((call) => call[0] === 'consent' && call[1] === 'update').at(-1)),
      )
      .toEqual([
        'consent',
        'update',
        expect.objectContaining({ analytics_storage: 'granted', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }),
      ]);
    await context.close();
  });

  test('a choice made under an older policy version is asked again, saying what changed', async () => {
    const config = (await (await fetch(`${baseURL}/api/consent/config?site=demo&lang=nl`)).json()) as { revision: string; policy: { summary: string } };
    const olderRevision = config.revision.replace(/^\d+-/, '1-');
    const context = await session.browser.newContext();
    await context.addCookies([
      { name: 'portal_consent', value: `abcdefghijklmnopqrstuv.${olderRevision}.111.${Math.floor(Date.now() / 1000) + 86_400}`, url: demo.url },
    ]);
    const page = await context.newPage();
    await page.goto(`${demo.url}?lang=nl`);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(config.policy.summary);
    expect(await dialog.locator(`a[href="${baseURL}/nl/policies/privacy-notice/diff/1/3"]`).count()).toBe(1);
    expect(await gatedRan(page)).toEqual({ analytics: false, marketing: false });
    await context.close();
  });

  test('the whole flow works by keyboard, and Esc grants nothing', async () => {
    const { context, page } = await visitDemo('pl');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').isVisible()).toBe(false);
    expect(await consentCookie(context)).toBeUndefined();
    expect(await gatedRan(page)).toEqual({ analytics: false, marketing: false });
    await page.reload();
    await page.getByRole('dialog').waitFor();
    const focusedAction = () =>
      page.evaluate(() => {
        let active: Element | null = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.getAttribute('data-consent-action') ?? active?.getAttribute('role') ?? active?.tagName ?? '';
      });
    for (let step = 0; step < 10 && (await focusedAction()) !== 'customize'; step += 1) await page.keyboard.press('Tab');
    expect(await focusedAction()).toBe('customize');
    await page.keyboard.press('Enter');
    for (let step = 0; step < 10 && (await focusedAction()) !== 'switch'; step += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedAction()).toBe('switch');
    await page.keyboard.press('Space');
    for (let step = 0; step < 10 && (await focusedAction()) !== 'save'; step += 1) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => consentCookie(context)).toBeDefined();
    const cookie = await consentCookie(context);
    expect(Object.values(cookie?.choices ?? {}).filter(Boolean)).toHaveLength(1);
    expect((await recorded(cookie?.consentId ?? '', 1)).current.action).toBe('custom');
    await context.close();
  });
});
