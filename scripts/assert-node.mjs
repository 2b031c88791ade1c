// Fails fast when npm runs on a Node other than the one the `node` dependency ships (e.g. after --ignore-scripts):
// better-sqlite3 built for Node 24 crashes without a message on the system's Node 20.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = String(pkg.dependencies.node)
  .replace(/^[^\d]*/, '')
  .split('.')[0];
const running = process.versions.node.split('.')[0];

if (wanted !== running) {
  console.error(
    `This project runs on Node ${wanted} (the "node" package in node_modules), but this is Node ${process.versions.node}.\n` +
      'Run it through npm (npm start, npm test) after a normal `npm install`; if install scripts were skipped, run `npm rebuild node`.',
  );
  process.exit(1);
}
