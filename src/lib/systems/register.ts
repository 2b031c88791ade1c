import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { locales, type Locale } from '../locale.ts';

// content/systems.json: every system outside the portal that holds personal data, who owns it and how a request
// reaches it. Checked by zod at build (astro.config.mjs) and at start (createPortal); a register that does not parse,
// names an identifier that does not exist or an environment variable that is not set, refuses to start.

/** The identifiers a statement or a webhook may receive: the requester's, once verified (see `verifiedIdentifiers`). */
export const identifierNames = ['email', 'phone', 'customerReference'] as const;
export type IdentifierName = (typeof identifierNames)[number];
export type Identifiers = Record<IdentifierName, string | null>;

/** A text in every locale, none missing: what the requester and the DPO read about a system. */
export const localisedText = z.strictObject(Object.fromEntries(locales.map((locale) => [locale, z.string().trim().min(1)])) as Record<Locale, z.ZodString>);
export type LocalisedText = Record<Locale, string>;

const environmentName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name in capitals, such as CUSTOMERS_DATABASE_URL');

/**
 * A value read from the environment, never written in content. `default` is allowed only where it cannot be a
 * secret: an SQLite file (`sqlite:` path) or a loopback http URL, for the sample company on a fresh machine.
 */
const fromEnvironment = z.strictObject({
  env: environmentName,
  default: z
    .string()
    .refine(
      (value) => value.startsWith('sqlite:') || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(value),
      'a default may only be an sqlite: file or a loopback http URL',
    )
    .optional(),
});
const secretFromEnvironment = z.strictObject({ env: environmentName });

/** `:email`, `:phone`, `:customerReference` outside quoted strings; anything else after a colon is refused. */
const parameterPattern = /'(?:[^']|'')*'|"(?:[^"]|"")*"|::|:([A-Za-z_][A-Za-z0-9_]*)/g;

/** The named parameters a statement uses, in order of appearance (quoted text and PostgreSQL's `::` casts skipped). */
export function statementParameters(sql: string): string[] {
  return [...sql.matchAll(parameterPattern)].flatMap((match) => (match[1] ? [match[1]] : []));
}

/**
 * The statement with each named parameter replaced by a driver's placeholder (`placeholder(name, index)`, index from
 * 0 in order of appearance), skipping quoted text and `::` as `statementParameters` does, and the names in that order.
 */
export function rewriteParameters(sql: string, placeholder: (name: string, index: number) => string): { sql: string; names: string[] } {
  const names: string[] = [];
  const rewritten = sql.replace(parameterPattern, (whole, name: string | undefined) => {
    if (!name) return whole;
    names.push(name);
    return placeholder(name, names.length - 1);
  });
  return { sql: rewritten, names };
}

const statementName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens');
const statementSql = z
  .string()
  .trim()
  .min(1)
  .superRefine((sql, context) => {
    for (const parameter of statementParameters(sql)) {
      if (!(identifierNames as readonly string[]).includes(parameter))
        context.addIssue({ code: 'custom', message: `unknown identifier :${parameter} (known: ${identifierNames.map((name) => `:${name}`).join(', ')})` });
    }
  });
/**
 * A statement run for an action; `name` is unique within the system and action. `label`: what the DPO reads beside
 * its count of rows (absent: the label of the access query of the same name, else the name).
 */
const statement = z.strictObject({ name: statementName, label: localisedText.optional(), sql: statementSql });
/** A query whose rows become one labelled table of the requester's package (`name`: its key in data.json, its CSV file). */
const query = z.strictObject({
  name: statementName,
  label: localisedText,
  sql: statementSql,
  /** What the person reads above each column (`customer_ref` → "Αριθμός πελάτη"); a column not named keeps its name. */
  columns: z.record(z.string().min(1), localisedText).optional(),
});

const owner = z.strictObject({ email: z.email(), locale: z.enum(locales), name: z.string().trim().min(1).optional() });

const common = {
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and hyphens'),
  name: localisedText,
  owner,
  /** The categories of personal data it holds, as the requester reads them. */
  categories: z.array(localisedText).min(1),
  /** Where the data came from when not from the person (Art. 15(1)(g)); absent: collected from the person. */
  source: localisedText.optional(),
};

const sqlSystem = z.strictObject({
  ...common,
  kind: z.literal('sql'),
  /** `postgres://…`, `mysql://…` / `mariadb://…`, or `sqlite:<path>`. */
  url: fromEnvironment,
  /** A read-only account for access and portability queries (recommended); `url` is used when absent. */
  readUrl: fromEnvironment.optional(),
  timeoutMs: z.int().min(100).max(120_000).default(10_000),
  /** The most rows one query may return before the task fails as too large. */
  maxRows: z.int().min(1).max(100_000).default(10_000),
  statements: z.strictObject({
    access: z.array(query).default([]),
    /** Defaults to the access queries: the data the person gave, to move to another provider. */
    portability: z.array(query).optional(),
    /** Run in one transaction; the affected rows of each are counted. */
    erasure: z.array(statement).default([]),
    restriction: z.array(statement).default([]),
  }),
});

const webhookSystem = z.strictObject({
  ...common,
  kind: z.literal('webhook'),
  /** HTTPS; plain http only on loopback (the sample company's demo server). */
  url: z.union([z.url(), fromEnvironment]),
  /** The HMAC-SHA256 key shared with the system, from the environment. */
  secret: secretFromEnvironment,
  timeoutMs: z.int().min(100).max(120_000).default(10_000),
  /** The largest answer (or callback body) accepted, in bytes. */
  maxBytes: z
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024),
});

const manualSystem = z.strictObject({ ...common, kind: z.literal('manual') });

export const systemSchema = z.discriminatedUnion('kind', [sqlSystem, webhookSystem, manualSystem]);
export const systemsRegisterSchema = z
  .strictObject({ $schema: z.string().optional(), systems: z.array(systemSchema) })
  .refine((register) => new Set(register.systems.map((system) => system.id)).size === register.systems.length, 'every system needs its own id');

export type SystemEntry = z.infer<typeof systemSchema>;
export type SqlSystem = Extract<SystemEntry, { kind: 'sql' }>;
export type WebhookSystem = Extract<SystemEntry, { kind: 'webhook' }>;
export type ManualSystem = Extract<SystemEntry, { kind: 'manual' }>;

/** A system with its environment read: the URLs and secret it is reached with (never logged, never shown). */
export type System =
  | (SqlSystem & { connection: { url: string; readUrl: string } })
  | (WebhookSystem & { connection: { url: string; secret: string } })
  | (ManualSystem & { connection: null });

export class SystemsRegisterError extends Error {
  override name = 'SystemsRegisterError';
}

/** Parses the register's JSON; the error names each problem with its path. */
export function parseSystemsRegister(json: unknown): z.infer<typeof systemsRegisterSchema> {
  const parsed = systemsRegisterSchema.safeParse(json);
  if (!parsed.success) throw new SystemsRegisterError(`content/systems.json: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function readValue(source: z.infer<typeof fromEnvironment>, environment: Readonly<Record<string, string | undefined>>, what: string): string {
  const value = environment[source.env]?.trim() || source.default;
  if (!value) throw new SystemsRegisterError(`content/systems.json: ${what} is read from ${source.env}, which is not set`);
  return value;
}

/** `sqlite:<path>` with a relative path made absolute against `folder`; any other URL as it is. */
export function sqliteUrlIn(url: string, folder: string): string {
  return url.startsWith('sqlite:') ? `sqlite:${resolve(folder, url.slice('sqlite:'.length))}` : url;
}

/**
 * The register with each system's URL and secret read from the environment; refuses when one is missing. A webhook
 * on loopback without its secret set gets `loopbackSecret(id)` (derived from the portal secret), so that `npm start`
 * and `npm run demo` agree on a fresh machine; a webhook anywhere else must have its own. A relative `sqlite:` path
 * is resolved against `sqliteFolder` (the portal's data folder, beside DATABASE_PATH), else the working directory.
 */
export function resolveSystems(
  register: z.infer<typeof systemsRegisterSchema>,
  environment: Readonly<Record<string, string | undefined>>,
  loopbackSecret?: (systemId: string) => string,
  sqliteFolder = process.cwd(),
): System[] {
  return register.systems.map((system): System => {
    switch (system.kind) {
      case 'sql': {
        const url = readValue(system.url, environment, `the database of system "${system.id}"`);
        const readUrl = system.readUrl ? readValue(system.readUrl, environment, `the read-only database account of system "${system.id}"`) : url;
        for (const value of [url, readUrl]) {
          if (!/^(postgres(ql)?|mysql|mariadb):\/\/|^sqlite:/.test(value))
            throw new SystemsRegisterError(`content/systems.json: system "${system.id}": its database URL is not postgres://, mysql://, mariadb:// or sqlite:`);
        }
        return { ...system, connection: { url: sqliteUrlIn(url, sqliteFolder), readUrl: sqliteUrlIn(readUrl, sqliteFolder) } };
      }
      case 'webhook': {
        const url = typeof system.url === 'string' ? system.url : readValue(system.url, environment, `the endpoint of system "${system.id}"`);
        const parsed = URL.canParse(url) ? new URL(url) : undefined;
        const loopback = parsed?.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
        if (!parsed || (parsed.protocol !== 'https:' && !loopback))
          throw new SystemsRegisterError(`content/systems.json: system "${system.id}": its endpoint must be https:// (plain http only on loopback)`);
        const given = environment[system.secret.env]?.trim();
        const secret =
          given ||
          (loopback && loopbackSecret ? loopbackSecret(system.id) : readValue(system.secret, environment, `the signing secret of system "${system.id}"`));
        if (secret.length < 32)
          throw new SystemsRegisterError(`content/systems.json: system "${system.id}": its secret in ${system.secret.env} needs at least 32 characters`);
        return { ...system, connection: { url, secret } };
      }
      default:
        return { ...system, connection: null };
    }
  });
}

/** Where the register is read from: SYSTEMS_FILE, else content/systems.json of the checkout. */
export function systemsFileOf(root: string, environment: Readonly<Record<string, string | undefined>>): string {
  return environment.SYSTEMS_FILE ? resolve(root, environment.SYSTEMS_FILE) : join(root, 'content/systems.json');
}

/** The register read, checked and resolved against the environment; an absent file is an empty register. */
export function readSystemsRegister(
  path: string,
  environment: Readonly<Record<string, string | undefined>>,
  loopbackSecret?: (systemId: string) => string,
  sqliteFolder?: string,
): System[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SystemsRegisterError(`content/systems.json is not JSON: ${(error as Error).message}`);
  }
  return resolveSystems(parseSystemsRegister(json), environment, loopbackSecret, sqliteFolder);
}
