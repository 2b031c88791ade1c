/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    locale: import('./lib/locale.ts').Locale;
    t: import('./lib/i18n.ts').Translate;
    /** This page in every locale, for hreflang links and the language switcher. */
    alternates: { locale: import('./lib/locale.ts').Locale; path: string }[];
    /** The visitor's cookie choice on the portal; set on every localized page. */
    consent?: import('./server/visitor-consent.ts').VisitorConsent;
    /** The visitor's address as the portal's server worked it out (through TRUSTED_PROXIES); for flood limits. */
    visitorAddress?: string;
    /** The consent decision budget the portal's server shares with its fast path; without it (`astro dev`) Astro keeps its own. */
    decisionLimits?: import('./lib/consent-limits.ts').DecisionLimits;
    /** The route pattern that answered (`/[locale]/requests/[reference]`), for the portal server's request metrics. */
    routePattern?: string;
    /** The store the portal's server opened and shares with its fast path; without it (`astro dev`) Astro opens its own. */
    store?: import('../db/store.ts').Store;
  }
}
