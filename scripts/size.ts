// `npm run size`: what a visitor downloads for the banner, per locale: public/banner.js and the config JSON,
// each compressed as gzip -9. Fails (exit 1) when a locale goes over the budget.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildBannerConfig, type BannerStrings } from '../src/lib/banner-config.ts';
import { bannerVersion } from '../src/lib/consent.ts';
import { locales, type Locale } from '../src/lib/locale.ts';
import { buildCatalog } from '../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../src/lib/policy-source.ts';
import { siteCategories, siteRevision, sitesFileSchema } from '../src/lib/site.ts';
import { buildBanner } from './build-banner.mjs';

const budget = 6144;
const root = resolve(import.meta.dirname, '..');
const portalOrigin = 'https://privacy.ostria.example';

/** The banner strings of a locale, as the portal serves them (the i18n tests guarantee every locale has them). */
function bannerStrings(locale: Locale): BannerStrings {
  return (JSON.parse(readFileSync(join(root, 'locales', `${locale}.json`), 'utf8')) as { banner: BannerStrings }).banner;
}

const gzipSize = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;

const { code } = await buildBanner();
const script = gzipSize(code);
const sites = sitesFileSchema.parse(JSON.parse(readFileSync(join(root, 'content/sites.json'), 'utf8'))).sites;
const catalog = buildCatalog(readPolicyTexts(join(root, 'content/policies')));

console.log(`public/banner.js: ${Buffer.byteLength(code)} bytes, ${script} bytes gzip -9\n`);
console.log('locale  site     banner.js  config  total  (bytes, gzip -9; budget ' + budget + ')');
let over = false;
for (const locale of locales) {
  // The largest config any site answers in this locale: the longest summary of any version of its policy.
  const measured = sites.map((site) => {
    const versions = catalog[site.policy];
    const policy = versions.reduce((longest, version) =>
      version.texts[locale].summary.length > longest.texts[locale].summary.length ? version : longest,
    );
    const strings = bannerStrings(locale);
    const config = buildBannerConfig({
      siteId: site.id,
      locale,
      revision: siteRevision(site, policy.version, bannerVersion),
      bannerVersion,
      lifetimeDays: site.lifetimeDays,
      portalOrigin,
      policy: { document: site.policy, version: policy.version, effective: policy.effective, summary: policy.texts[locale].summary },
      categories: siteCategories(site),
      strings,
    });
    return { site: site.id, size: gzipSize(JSON.stringify(config)) };
  });
  const largest = measured.reduce((a, b) => (b.size > a.size ? b : a));
  const total = script + largest.size;
  over ||= total > budget;
  console.log(
    `${locale.padEnd(8)}${largest.site.padEnd(9)}${String(script).padStart(9)}${String(largest.size).padStart(8)}${String(total).padStart(7)}${total > budget ? '  OVER BUDGET' : ''}`,
  );
}
if (over) {
  console.error(`\nOver the budget of ${budget} bytes.`);
  process.exit(1);
}
