// `npm run consent:verify`: walks the whole consent-record chain and checks it against every signed head of the
// anchors file, every retention checkpoint against its retention run and every erased record against its erasure.
// Names each problem found and exits 1; a missing or wrong signing key, an anchors file that does not match, or a
// database that is not the portal's is refused the same way, and nothing is changed.
import { auditConsentChain, type ChainVerifier } from '../src/lib/chain-audit.repo.ts';
import { ChainFileError, loadChainKey, readAnchors } from '../src/lib/chain-files.ts';
import { anchorsPathOf, chainKeySourceOf } from '../src/lib/environment.ts';
import { checkChainDatabase, refuse } from './support/chain-database.ts';
import { environmentOrExit } from './support/cli.ts';

const environment = environmentOrExit();
const anchorsPath = anchorsPathOf(environment);
const database = await checkChainDatabase(environment);
const anchors = readAnchors(anchorsPath);
let verifier: ChainVerifier | undefined;
try {
  // Never generated here: a key made now would vouch for nothing.
  if (anchors.length > 0 || environment.CHAIN_SIGNING_KEY !== undefined) verifier = loadChainKey(chainKeySourceOf(environment), { create: false });
} catch (error) {
  if (error instanceof ChainFileError) refuse(error.message);
  throw error;
}
const store = database.open();
const started = performance.now();
// One snapshot: the portal may go on appending while the chain is walked.
const audit = await store.read((db) => auditConsentChain(db, anchors, verifier), { snapshot: true });
const seconds = ((performance.now() - started) / 1000).toFixed(2);
await store.close();

if (audit.problems.length > 0) {
  const shown = audit.problems.slice(0, 50);
  console.error(`Consent chain NOT intact (${database.name}, anchors ${anchorsPath}): ${audit.problems.length} problem(s).`);
  for (const problem of shown) console.error(`- ${problem.message}`);
  if (audit.problems.length > shown.length) console.error(`- … and ${audit.problems.length - shown.length} more`);
  process.exit(1);
}
const { checked, erased, start, latest } = audit;
const erasedNote = erased ? `; ${erased} of them anonymised by erasure requests (each backed by its erasure)` : '';
const retentionNote = start.removed
  ? `; ${start.removed} older records (up to #${start.afterId}) removed by retention, the chain checked from their checkpoint`
  : '';
const anchorNote = latest
  ? `; checked against ${audit.anchorsChecked} signed heads (latest ${latest.at}: ${latest.count} records up to #${latest.lastId})`
  : `; not anchored yet (no signed head in ${anchorsPath}): a cut tail or recomputed hashes are found only against a signed head, run npm run consent:anchor`;
console.log(`Consent chain intact: ${checked} records verified in ${seconds} s${erasedNote}${retentionNote}${anchorNote} (${database.name}).`);
