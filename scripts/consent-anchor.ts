// `npm run consent:anchor`: signs the consent chain's head now (record count, last record, its hash and time) with
// the chain's Ed25519 key and appends it to the anchors file outside the database, then prints it for publication.
// Meant for cron (e.g. hourly); safe while the portal runs. A head that was published elsewhere can no longer be
// rewritten unnoticed: `npm run consent:verify` checks the chain against every anchor.
import { anchorLine, signHead } from '../src/lib/chain-head.ts';
import { currentChainHead } from '../src/lib/chain-head.repo.ts';
import { appendAnchor, ChainFileError, loadChainKey } from '../src/lib/chain-files.ts';
import { anchorsPathOf, chainKeySourceOf, readEnvironment } from '../src/lib/environment.ts';
import { checkChainDatabase, refuse } from './support/chain-database.ts';

const environment = readEnvironment(process.env);
const anchorsPath = anchorsPathOf(environment);
const database = checkChainDatabase(environment.DATABASE_PATH);
let key;
try {
  // Read (or generated) before the database is opened for writing: a bad key changes nothing.
  key = loadChainKey(chainKeySourceOf(environment), { create: environment.CHAIN_SIGNING_KEY === undefined });
} catch (error) {
  if (error instanceof ChainFileError) refuse(error.message);
  throw error;
}
const db = database.open();
const anchor = signHead(currentChainHead(db, Date.now()), key);
db.$client.close();
appendAnchor(anchorsPath, anchor);

console.log(`Signed head appended to ${anchorsPath}: ${anchor.count} records up to #${anchor.lastId} (key ${anchor.keyId}). Publish this line:`);
process.stdout.write(anchorLine(anchor));
