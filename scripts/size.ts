// `npm run size`: what a visitor downloads for the banner, per locale: public/banner.js and the config JSON,
// each compressed as gzip -9. Fails (exit 1) when a locale goes over the budget.
import { existsSync, readFileSync } from 'node:fs';
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

// Until every locale has its `banner` strings: Greek-length stand-ins (about 900 characters), so the measure is honest.
const standInStrings: BannerStrings = {
  title: 'Τα cookies σε αυτόν τον ιστότοπο',
  description:
    'Χρησιμοποιούμε απαραίτητα cookies για να λειτουργεί ο ιστότοπος. Με τη συγκατάθεσή σας χρησιμοποιούμε επίσης cookies προτιμήσεων, στατιστικών και μάρκετινγκ. Η άρνηση είναι εξίσου εύκολη με την αποδοχή και μπορείτε να αλλάξετε την επιλογή σας οποιαδήποτε στιγμή.',
  acceptAll: 'Αποδοχή όλων',
  rejectAll: 'Απόρριψη όλων',
  customize: 'Προσαρμογή',
  save: 'Αποθήκευση επιλογών',
  close: 'Κλείσιμο χωρίς συγκατάθεση',
  privacyLink: 'Πολιτική απορρήτου',
  reopen: 'Ρυθμίσεις cookies',
  preferencesTitle: 'Οι επιλογές σας για τα cookies',
  alwaysOn: 'Πάντα ενεργά',
  changed: 'Η πολιτική απορρήτου μας άλλαξε:',
  seeChanges: 'Δείτε τις αλλαγές',
  categories: {
    necessary: {
      name: 'Απαραίτητα',
      description: 'Απαιτούνται για τη σύνδεση, την ασφάλεια και την αποθήκευση των επιλογών σας. Δεν μπορούν να απενεργοποιηθούν.',
    },
    preferences: { name: 'Προτιμήσεις', description: 'Θυμούνται ρυθμίσεις όπως τη γλώσσα και την εμφάνιση των σελίδων.' },
    analytics: {
      name: 'Στατιστικά',
      description: 'Μας δείχνουν συγκεντρωτικά ποιες σελίδες χρησιμοποιούνται και πώς, ώστε να βελτιώνουμε τον ιστότοπο.',
    },
    marketing: {
      name: 'Μάρκετινγκ',
      description: 'Επιτρέπουν εξατομικευμένες διαφημίσεις και τη μέτρηση των καμπανιών μας σε άλλους ιστότοπους.',
    },
  },
};

function bannerStrings(locale: Locale): { strings: BannerStrings; standIn: boolean } {
  const path = join(root, 'locales', `${locale}.json`);
  const messages = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { banner?: BannerStrings }) : {};
  return messages.banner ? { strings: messages.banner, standIn: false } : { strings: standInStrings, standIn: true };
}

const gzipSize = (data: string | Buffer) => gzipSync(data, { level: 9 }).length;

const { code } = await buildBanner();
const script = gzipSize(code);
const sites = sitesFileSchema.parse(JSON.parse(readFileSync(join(root, 'content/sites.json'), 'utf8'))).sites;
const catalog = buildCatalog(readPolicyTexts(join(root, 'content/policies')));

console.log(`public/banner.js: ${Buffer.byteLength(code)} bytes, ${script} bytes gzip -9\n`);
console.log('locale  site     banner.js  config  total  (bytes, gzip -9; budget ' + budget + ')');
let over = false;
let standIns = 0;
for (const locale of locales) {
  // The largest config any site answers in this locale: the longest summary of any version of its policy.
  const measured = sites.map((site) => {
    const versions = catalog[site.policy];
    const policy = versions.reduce((longest, version) =>
      version.texts[locale].summary.length > longest.texts[locale].summary.length ? version : longest,
    );
    const { strings, standIn } = bannerStrings(locale);
    if (standIn) standIns++;
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
if (standIns > 0) console.log('\nSome locales have no `banner` strings yet: measured with Greek-length stand-ins.');
if (over) {
  console.error(`\nOver the budget of ${budget} bytes.`);
  process.exit(1);
}
