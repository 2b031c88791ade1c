// `npm run banner:embed -- --site SITE_ID`: what a site owner pastes into their pages, for the banner this checkout
// builds: the <script> tag with its Subresource Integrity hash, and the sources their Content-Security-Policy must
// allow. The site must be one of content/sites.json (a tag for any other would show a banner the portal refuses).
// The portal's address comes from PUBLIC_URL (https://PORTAL when unset).
import { parseArgs } from 'node:util';
import { embedTag, embedderCspDirectives, subresourceIntegrity } from '../src/lib/banner-embed.ts';
import { buildBanner } from './build-banner.mjs';
import { readSites } from './support/content.ts';

const { values } = parseArgs({ options: { site: { type: 'string' } } });
const known = readSites().map((site) => site.id);
if (values.site === undefined || !known.includes(values.site)) {
  const problem = values.site === undefined ? 'Name the site with --site.' : `No site "${values.site}" in content/sites.json.`;
  console.error(`${problem} Configured sites: ${known.join(', ')}.\nUsage: npm run banner:embed -- --site SITE_ID`);
  process.exit(1);
}
const portalOrigin = process.env.PUBLIC_URL ? new URL(process.env.PUBLIC_URL).origin : 'https://PORTAL';
const { code } = await buildBanner();
const integrity = subresourceIntegrity(code);

console.log(`Banner: ${Buffer.byteLength(code)} bytes, ${integrity}\n`);
console.log(embedTag(portalOrigin, values.site, integrity));
console.log('\nAdd to your Content-Security-Policy:');
for (const [directive, source] of Object.entries(embedderCspDirectives(portalOrigin))) console.log(`  ${directive} ${source}`);
