import type { Choices } from '../lib/consent-cookie.ts';

/** Categories whose scripts or iframes have been started in this page. */
const started = new Set<string>();

const granted = (choices: Choices | undefined, category: string) => category === 'necessary' || !!(choices as Record<string, boolean> | undefined)?.[category];

/**
 * Starts what the page gated behind a granted category: `<script type="text/plain" data-category>` is re-created
 * without its type (`data-src` becomes its src), `<iframe data-src data-category>` gets its src.
 * Without choices only `necessary` runs.
 */
export function runGated(choices?: Choices): void {
  for (const gated of document.querySelectorAll<HTMLScriptElement>('script[type="text/plain"][data-category]')) {
    const category = gated.dataset.category ?? '';
    if (!granted(choices, category)) continue;
    const script = document.createElement('script');
    // Inserted scripts are async by default; gated scripts keep their document order unless marked async.
    script.async = false;
    for (const { name, value } of gated.attributes) if (name !== 'type') script.setAttribute(name, value);
    const src = gated.dataset.src;
    if (src) script.src = src;
    // Browsers hide the nonce attribute's value once parsed, so strict CSPs need the property copied.
    script.nonce = gated.nonce ?? '';
    script.text = gated.text;
    gated.replaceWith(script);
    started.add(category);
  }
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe[data-src][data-category]')) {
    const category = frame.dataset.category ?? '';
    const src = frame.dataset.src ?? '';
    if (!granted(choices, category) || frame.getAttribute('src') === src) continue;
    frame.src = src;
    started.add(category);
  }
}

/** Whether something of a category these choices refuse already runs in this page (then only a reload stops it). */
export function revokedCategoryStarted(choices: Choices): boolean {
  return [...started].some((category) => !granted(choices, category));
}

type Gtag = (command: 'consent', action: 'update', state: Record<string, 'granted' | 'denied'>) => void;

/** Google Consent Mode v2: passes the choices on when the page has gtag. */
export function updateConsentMode({ preferences, analytics, marketing }: Choices): void {
  const gtag = (window as { gtag?: Gtag }).gtag;
  if (typeof gtag !== 'function') return;
  const state = (on: boolean) => (on ? 'granted' : 'denied');
  gtag('consent', 'update', {
    analytics_storage: state(analytics),
    ad_storage: state(marketing),
    ad_user_data: state(marketing),
    ad_personalization: state(marketing),
    functionality_storage: state(preferences),
    personalization_storage: state(preferences),
  });
}
