import { dirname, resolve } from 'node:path';
import { openStore } from '../../db/connection.ts';
import type { Store } from '../../db/store.ts';
import type { BannerStrings } from '../lib/banner-config.ts';
import { portalHosts, type PortalHosts } from '../lib/canonical-origin.ts';
import type { ChainKeySource } from '../lib/chain-files.ts';
import { createTermsSource } from '../lib/consent-api.ts';
import { decisionLimitsOf, type DecisionLimits } from '../lib/consent-limits.ts';
import { floodLimitsFor, type FloodLimits } from '../lib/flood-limits.ts';
import { createConsentAppender } from '../lib/consent.repo.ts';
import { anchorsPathOf, chainKeySourceOf, readEnvironment, type Environment } from '../lib/environment.ts';
import { createTranslator, type Messages, type Translate } from '../lib/i18n.ts';
import type { Locale } from '../lib/locale.ts';
import { createMailer, type Mailer } from '../lib/mailer.ts';
import { countCommittedDecisions } from '../lib/metrics.ts';
import type { Organisation } from '../lib/organisation.ts';
import { readAllLocaleMessages, readOrganisationFile, readSitesFile } from '../lib/portal-content.ts';
import { readPortalSecret } from '../lib/portal-secret.ts';
import type { PolicyCatalog } from '../lib/policy-catalog.ts';
import type { PolicyText } from '../lib/policy.ts';
import { readPolicyCatalog } from '../lib/policy-source.ts';
import type { Site } from '../lib/site.ts';
import { createSmsSender, type SmsSender } from '../lib/sms.ts';
import { readSystemsRegister, systemsFileOf, type System } from '../lib/systems/register.ts';
import { createHmac } from 'node:crypto';

/**
 * The portal's parts, built once per process from the validated environment and the checkout's content, and shared by
 * every entry point: Astro's pages, actions and endpoints (through `locals.portal`) and the portal server's consent
 * fast path. Nothing here is built a second time elsewhere, so both doors record decisions through one appender (one
 * group commit in flight) on one store, and name the same terms.
 */
export interface Portal {
  environment: Environment;
  /** The canonical origin and the host names the portal answers for (PUBLIC_URL, PORT, ALLOWED_HOSTS). */
  hosts: PortalHosts;
  store: Store;
  mailer: Mailer;
  sms: SmsSender;
  secrets: {
    /** The key for signed links and cookies (made beside the database the first time, when PORTAL_SECRET is unset). */
    portalSecret(): string;
    /** Where the chain's signing key comes from; only its public half is ever read by a serving process. */
    chainKey: ChainKeySource;
    /** The append-only file of the chain's signed heads. */
    anchorsPath: string;
  };
  organisation: Organisation;
  /** The sites allowed to embed the banner; `portal` is the portal itself. */
  sites: readonly Site[];
  /** The systems that hold personal data outside the portal (content/systems.json, or SYSTEMS_FILE), resolved. */
  systems: readonly System[];
  /** Every policy text, as read from content/policies: the one source of the catalogue. */
  policyTexts: readonly PolicyText[];
  catalogue: PolicyCatalog;
  translators: {
    messages: Record<Locale, Messages>;
    translatorFor(locale: Locale): Translate;
    bannerStrings(locale: Locale): BannerStrings;
  };
  /** The terms a visitor of a site is asked to agree to today, in a locale. */
  consentTerms: ReturnType<typeof createTermsSource>;
  /** Appends decisions with group commit (one transaction for those arriving together). */
  appendDecision: ReturnType<typeof createConsentAppender>;
  /** The server's time in epoch milliseconds: what every use case stamps. */
  clock: () => number;
  limits: {
    /**
     * Where flood limits and sign-in attempts are counted: in memory on SQLite, in the database on PostgreSQL (keyed
     * with PORTAL_SECRET), so every instance counts a visitor under the same row.
     */
    flood: FloodLimits;
    /** One budget of consent decisions per visitor, whichever door (fast path, Astro's route, the cookie form) they use. */
    decisions: DecisionLimits;
  };
}

export interface PortalParts {
  /** The checkout the content and locale files are read from; the working directory when not given. */
  root?: string;
  /** A store the caller opened already (the portal's server checks it before serving); else opened from the environment. */
  store?: Store;
  clock?: () => number;
}

/** Builds the portal's parts once from the environment. */
export function createPortal(environment: Environment, parts: PortalParts = {}): Portal {
  const root = parts.root ?? process.cwd();
  const store = parts.store ?? openStore(environment);
  const flood = floodLimitsFor(store, { secret: environment.PORTAL_SECRET });
  const organisation = readOrganisationFile(root);
  const messages = readAllLocaleMessages(root);
  const { texts, catalog } = readPolicyCatalog(resolve(root, 'content/policies'));
  const translators = new Map<Locale, Translate>();
  const translatorFor = (locale: Locale): Translate => {
    let translate = translators.get(locale);
    if (!translate) {
      translate = createTranslator(locale, messages[locale]);
      translators.set(locale, translate);
    }
    return translate;
  };
  const bannerStrings = (locale: Locale) => translatorFor(locale)('banner', { returnObjects: true }) as unknown as BannerStrings;
  let secret: string | undefined;
  const portalSecret = () => {
    secret ??= readPortalSecret(environment);
    return secret;
  };
  // A loopback webhook (the sample company's demo) without its own secret signs with one derived from the portal's; a
  // relative sqlite: file lives in the portal's data folder (the sample company's customer database beside portal.db).
  const systems = readSystemsRegister(
    systemsFileOf(root, process.env),
    process.env,
    (id) => loopbackWebhookSecret(portalSecret(), id),
    dataFolderOf(environment),
  );
  return {
    environment,
    hosts: portalHosts(environment),
    store,
    mailer: createMailer({
      from: environment.MAIL_FROM ?? `${organisation.shortName} <${organisation.privacyEmail}>`,
      smtpUrl: environment.SMTP_URL,
      outboxDir: resolve(environment.OUTBOX_DIR),
    }),
    sms: createSmsSender({ url: environment.SMS_URL, token: environment.SMS_TOKEN, outboxDir: resolve(environment.OUTBOX_DIR) }),
    secrets: {
      portalSecret,
      chainKey: chainKeySourceOf(environment),
      anchorsPath: anchorsPathOf(environment),
    },
    organisation,
    sites: readSitesFile(root),
    systems,
    policyTexts: texts,
    catalogue: catalog,
    translators: { messages, translatorFor, bannerStrings },
    consentTerms: createTermsSource({ catalog: () => catalog, strings: bannerStrings, timeZone: organisation.timeZone }),
    appendDecision: createConsentAppender(store, countCommittedDecisions),
    clock: parts.clock ?? Date.now,
    limits: { flood, decisions: decisionLimitsOf(environment, flood) },
  };
}

/** The portal's data folder: where DATABASE_PATH's file, the generated portal secret and the sample company's database live. */
export function dataFolderOf(environment: Pick<Environment, 'DATABASE_PATH'>): string {
  return dirname(resolve(environment.DATABASE_PATH));
}

/** The signing secret of a loopback webhook whose own is not set: `npm run demo` derives the same from the portal secret. */
export function loopbackWebhookSecret(portalSecret: string, systemId: string): string {
  return createHmac('sha256', portalSecret).update(`loopback-webhook:${systemId}`).digest('hex');
}

let portal: Portal | undefined;

/**
 * The process's portal. Under the portal's own server it is the one that server built (handed over through
 * `locals.portal`, see `adoptPortal`); under `astro dev` it is built here on first use. Its store is migrated by
 * `npm run db:migrate` (a release step, run before `npm start` and `npm run dev`), never by a serving process.
 */
export function getPortal(): Portal {
  portal ??= createPortal(readEnvironment(process.env));
  return portal;
}

/** Takes the portal the portal's server built; the first one handed over stays. */
export function adoptPortal(given: Portal): void {
  portal ??= given;
}
