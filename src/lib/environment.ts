import { dirname, join } from 'node:path';
import { z } from 'zod';
import { parseChainKey } from './chain-head.ts';
import { allowedHostEntries, isHostName } from './canonical-origin.ts';
import { isProxyEntry, proxyEntries } from './visitor-address.ts';

/** The environment variables the portal reads; README lists each one. */
export const environmentSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(4321),
    HOST: z.string().min(1).default('localhost'),
    DATABASE_PATH: z.string().min(1).default('./data/portal.db'),
    /**
     * The PostgreSQL database (postgres://user:password@host:5432/portal) that several instances share; when set, the
     * portal runs on it instead of the SQLite file at DATABASE_PATH, and PORTAL_SECRET and the chain signing key must be
     * given (every instance must sign and check with the same ones).
     */
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'must be a PostgreSQL URL, such as postgres://portal:secret@db.internal:5432/portal' })
      .optional(),
    /**
     * The portal's public origin (https://privacy.example.org): every absolute URL it writes, mail links included.
     * Unset: http://localhost:PORT, for local use.
     */
    PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .refine((value) => {
        const url = new URL(value);
        return url.username === '' && url.password === '' && (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '';
      }, 'must be an origin only, such as https://privacy.example.org (no path, query or user info)')
      .optional(),
    /**
     * Further host names requests may name (comma-separated, no ports), e.g. an internal name a health check or a
     * second proxy uses; any other Host is answered 421. Links still use PUBLIC_URL.
     */
    ALLOWED_HOSTS: z
      .string()
      .optional()
      .transform(allowedHostEntries)
      .refine(
        (entries) => entries.every(isHostName),
        'each entry must be a host name or an IP address without a port, such as privacy-internal.example or 10.0.0.5',
      ),
    /** SMTP server for outgoing mail (smtp://user:pass@host:587); when unset, mail goes to OUTBOX_DIR as .eml files. */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
    /**
     * SMS gateway for confirmation codes, an HTTP API taking POST JSON {to, text} (https://TOKEN@sms.example/send: the
     * userinfo is sent as a bearer token); when unset, SMS go to OUTBOX_DIR as .sms.txt files and codes to the log.
     */
    SMS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Bearer token for SMS_URL when it is not in the URL. */
    SMS_TOKEN: z.string().min(1).optional(),
    /** Sender of the portal's mail; the organisation's privacy address when unset. */
    MAIL_FROM: z.string().min(3).optional(),
    /** Key for signed links (one-click unsubscribe); generated once next to the database when unset. */
    PORTAL_SECRET: z.string().min(32).optional(),
    /**
     * The Ed25519 key (PEM, PKCS#8) that signs the consent chain's heads (`npm run consent:anchor`), given by the
     * operator's secret store; else CHAIN_SIGNING_KEY_FILE, generated there on the first anchoring. Kept out of the
     * data folder, so the database file and its backups never carry what could re-sign a rewritten chain.
     */
    CHAIN_SIGNING_KEY: z
      .string()
      .optional()
      .refine(
        (pem) => pem === undefined || parseChainKey(pem) !== undefined,
        'must be an Ed25519 private key in PEM (PKCS#8), such as `openssl genpkey -algorithm ed25519` writes',
      ),
    CHAIN_SIGNING_KEY_FILE: z.string().min(1).default('./keys/consent-chain-signing-key.pem'),
    /** The append-only file of signed heads (public by design); beside the database when unset. */
    ANCHORS_PATH: z.string().min(1).optional(),
    /**
     * The waits before a failed task's next attempts (ms, comma-separated): a system that is down or slow is tried again
     * after each; after the last the task fails and the DPO retries it by hand.
     */
    TASK_RETRY_DELAYS_MS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds, such as 60000,300000,1800000')
      .default('60000,300000,1800000')
      .transform((value) => value.split(',').map(Number)),
    /** Data-subject requests accepted per hour from one client address, and for one email address. */
    REQUESTS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
    REQUESTS_PER_HOUR_PER_EMAIL: z.coerce.number().int().min(1).default(5),
    /** New verification links asked for per hour from one client address, and for one reference (known or not). */
    VERIFICATION_LINKS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
    VERIFICATION_LINKS_PER_HOUR_PER_REQUEST: z.coerce.number().int().min(1).default(3),
    /**
     * Consent decisions recorded per minute and per hour for one visitor (an IPv4 address or an IPv6 /64), whichever way
     * they come (the banner's API, the cookie form). A person makes a few per visit; an office or a carrier-grade NAT
     * puts many people behind one IPv4 address, hence room for dozens a minute.
     */
    CONSENT_DECISIONS_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
    CONSENT_DECISIONS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).default(600),
    /**
     * Global Privacy Control refusals recorded per day for one visitor from page views without an up-to-date choice (a
     * browser that keeps no cookie sends the signal with every view). Every view honours the signal, recorded or not.
     */
    GPC_RECORDS_PER_DAY_PER_ADDRESS: z.coerce.number().int().min(1).default(1),
    /**
     * Bearer token that lets a scraper read GET /metrics on the portal's own port (`Authorization: Bearer …`); unset,
     * that path answers 404 there. At least 32 characters: it guards a view of the portal's traffic.
     */
    METRICS_TOKEN: z.string().min(32).optional(),
    /** A second listener on 127.0.0.1 that answers only GET /metrics, without a token (a scraper on the same machine). */
    METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    /**
     * The reverse proxies in front of the portal (addresses or CIDR ranges, comma-separated): only connections from
     * them have their X-Forwarded-For believed, so flood limits count visitors rather than the proxy.
     */
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform(proxyEntries)
      .refine((entries) => entries.every(isProxyEntry), 'each entry must be an IP address or a CIDR range, such as 127.0.0.1, ::1 or 10.0.0.0/8'),
  })
  .superRefine((environment, context) => {
    if (!environment.DATABASE_URL) return;
    // Generated files would differ per machine: each instance would sign links and cookies the others refuse.
    if (!environment.PORTAL_SECRET)
      context.addIssue({
        code: 'custom',
        path: ['PORTAL_SECRET'],
        message: 'is required with DATABASE_URL: every instance must sign with the same secret (at least 32 characters, e.g. openssl rand -base64 33)',
      });
    if (!environment.CHAIN_SIGNING_KEY)
      context.addIssue({
        code: 'custom',
        path: ['CHAIN_SIGNING_KEY'],
        message:
          'is required with DATABASE_URL: the consent chain’s signing key (Ed25519, PEM), the same for every instance and kept outside the database (openssl genpkey -algorithm ed25519)',
      });
  });
export type Environment = z.infer<typeof environmentSchema>;

/** Validates the environment, naming every bad variable at once. */
export function readEnvironment(env: Record<string, string | undefined>): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n- ${problems.join('\n- ')}`);
  }
  return parsed.data;
}

/** The portal is served over HTTPS (PUBLIC_URL says so): HSTS is sent and every cookie is Secure. */
export function publicUrlIsHttps(environment: Pick<Environment, 'PUBLIC_URL'>): boolean {
  return environment.PUBLIC_URL?.startsWith('https:') ?? false;
}

/** Where the signed heads of the consent chain are appended: ANCHORS_PATH, else consent-anchors.jsonl beside the database. */
export function anchorsPathOf(environment: Pick<Environment, 'ANCHORS_PATH' | 'DATABASE_PATH'>): string {
  return environment.ANCHORS_PATH ?? join(dirname(environment.DATABASE_PATH), 'consent-anchors.jsonl');
}

/** Where the chain's signing key comes from. */
export function chainKeySourceOf(environment: Pick<Environment, 'CHAIN_SIGNING_KEY' | 'CHAIN_SIGNING_KEY_FILE'>) {
  return { pem: environment.CHAIN_SIGNING_KEY, file: environment.CHAIN_SIGNING_KEY_FILE };
}
