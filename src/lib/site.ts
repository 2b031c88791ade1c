import { createHash } from 'node:crypto';
import { z } from 'zod';
import { optionalCategories, type OptionalCategory } from './consent-cookie.ts';
import { locales } from './locale.ts';
import { documentKeys } from './policy.ts';

/** `self` (the portal's own origin) or `scheme://host[:port|:*]`. */
const originPattern = z.string().regex(/^(?:self|https?:\/\/[a-z0-9.-]+(?::(?:\d{1,5}|\*))?)$/, 'an origin such as https://shop.example or http://localhost:*');
const cookiePattern = z.string().regex(/^[A-Za-z0-9_.-]+\*?$/, 'a cookie name, optionally ending in *');

export const siteSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  name: z.string().min(1),
  allowedOrigins: z.array(originPattern).min(1),
  defaultLocale: z.enum(locales),
  policy: z.enum(documentKeys),
  /** Days a choice (consent or refusal alike) is kept before the banner asks again: 6 months by default. */
  lifetimeDays: z.number().int().min(1).max(395).default(182),
  categories: z.partialRecord(z.enum(optionalCategories), z.strictObject({ cookies: z.array(cookiePattern) })),
});
export type Site = z.infer<typeof siteSchema>;

export const sitesFileSchema = z
  .strictObject({ sites: z.array(siteSchema).min(1) })
  .refine((file) => new Set(file.sites.map((site) => site.id)).size === file.sites.length, 'site ids must be unique')
  .refine((file) => file.sites.some((site) => site.id === 'portal'), 'the portal itself needs a site with id "portal"');

/** The site's optional categories in display order. */
export function siteCategories(site: Site): { key: OptionalCategory; cookies: string[] }[] {
  return optionalCategories.flatMap((key) => {
    const category = site.categories[key];
    return category ? [{ key, cookies: category.cookies }] : [];
  });
}

/**
 * The revision a choice is made under: the policy version and a fingerprint of the categories offered and the
 * banner version. When either moves, every visitor is asked again.
 */
export function siteRevision(site: Site, policyVersion: number, bannerVersion: string): string {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ categories: siteCategories(site).map((category) => category.key), bannerVersion }))
    .digest('hex')
    .slice(0, 8);
  return `${policyVersion}-${fingerprint}`;
}

/** Whether a request's Origin header may record consent for a site; `self` is any of the portal's own origins. */
export function originAllowed(origin: string | null, site: Site, selfOrigins: readonly string[]): boolean {
  if (!origin) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin !== origin) return false;
  return site.allowedOrigins.some((pattern) => {
    if (pattern === 'self') return selfOrigins.includes(origin);
    if (!pattern.endsWith(':*')) return origin === pattern;
    const base = new URL(pattern.slice(0, -2));
    return parsed.protocol === base.protocol && parsed.hostname === base.hostname;
  });
}
