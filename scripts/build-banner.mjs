// Bundles the consent banner (src/banner/index.ts) into public/banner.js: minified ES2020, one IIFE, no source map.
// Run directly (`node scripts/build-banner.mjs`) or through the integration in astro.config.mjs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
export const bannerEntry = resolve(root, 'src/banner/index.ts');
export const bannerOutput = resolve(root, 'public/banner.js');

/**
 * Builds the banner and returns its code and the absolute paths of the source files it bundles.
 * Rewrites public/banner.js only when its content changed, so that `npm start` does not see a stale build.
 */
export async function buildBanner() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [bannerEntry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  if (!existsSync(bannerOutput) || readFileSync(bannerOutput, 'utf8') !== code) writeFileSync(bannerOutput, code);
  return { code, sources: Object.keys(result.metafile.inputs).map((input) => resolve(root, input)) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { code } = await buildBanner();
  console.log(`public/banner.js: ${Buffer.byteLength(code)} bytes`);
}
