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
    /** The route pattern that answered (`/[locale]/requests/[reference]`), for the portal server's request metrics. */
    routePattern?: string;
    /**
     * The portal's parts (store, mailer, secrets, catalogue, sites, translators, clock, limits) as the portal's server
     * built them and shares with its consent fast path; without it (`astro dev`) they are built on first use.
     */
    portal?: import('./server/portal.ts').Portal;
  }
}
