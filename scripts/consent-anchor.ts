// `npm run consent:anchor`: signs the consent chain's head now (record count, last record, its hash and time) with
// the chain's Ed25519 key and appends it to the anchors file outside the database, then prints it for publication.
// Meant for cron (e.g. hourly); safe while the portal runs. A head that was published elsewhere can no longer be
// rewritten unnoticed: `npm run consent:verify` checks the chain against every anchor.
import { anchorLine, signHead } from '../src/lib/chain-head.ts';
import { currentChainHead } from '../src/lib/chain-head.repo.ts';
import { auditConsentChain } from '../src/lib/chain-audit.repo.ts';
import { appendAnchor, ChainFileError, loadChainKey, publishPublicKey, readAnchors } from '../src/lib/chain-files.ts';
import { anchorsPathOf, chainKeySourceOf } from '../src/lib/environment.ts';
import { checkChainDatabase, refuse } from './support/chain-database.ts';
import { environmentOrExit } from './support/cli.ts';

const environment = environmentOrExit();
const anchorsPath = anchorsPathOf(environment);
const database = await checkChainDatabase(environment);
const anchors = readAnchors(anchorsPath);
let key: ReturnType<typeof loadChainKey>;
try {
  // Read before the database is opened for writing, so a bad key changes nothing; generated only for the first head
  // (a key made while heads exist could never match them).
  key = loadChainKey(chainKeySourceOf(environment), { create: environment.CHAIN_SIGNING_KEY === undefined && anchors.length === 0 });
} catch (error) {
  if (error instanceof ChainFileError) refuse(error.message);
  throw error;
}
const store = database.open();
// A head is signed only over a chain that still matches every earlier head (signing a tampered chain would vouch for
// it), and both are read in one snapshot, so the head signed is the head checked.
const { audit, head } = await store.read(async (db) => ({ audit: await auditConsentChain(db, anchors, key), head: await currentChainHead(db, Date.now()) }), {
  snapshot: true,
});
await store.close();
if (audit.problems.length > 0) {
  refuse(
    `the chain does not verify, so no head is signed (run npm run consent:verify for the details): ${audit.problems
      .slice(0, 5)
      .map((problem) => problem.message)
      .join('; ')}`,
  );
}
const anchor = signHead(head, key);
publishPublicKey(chainKeySourceOf(environment), key);
appendAnchor(anchorsPath, anchor);

console.log(`Signed head appended to ${anchorsPath}: ${anchor.count} records up to #${anchor.lastId} (key ${anchor.keyId}). Publish this line:`);
process.stdout.write(anchorLine(anchor));
