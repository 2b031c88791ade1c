// What the portal publishes about its signed consent chain: the public key at a stable URL (with which anyone checks a
// printed head), the latest head in every consent receipt, and the DPO's download of it.
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDpoAccount, sessionCookie, signInDpo } from '../dpo-account.ts';
import { consentBudgetsLifted, startPortal, type RunningPortal } from '../portal.ts';
import { runScript } from '../scripts.ts';
import { testStoreEnvironment } from '../store.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'portal-chain-publication-'));
// The database in data/ (the anchors file goes beside it); on PostgreSQL the anchors file is put there.
const database = await testStoreEnvironment(join(dataDir, 'data'));
const env: Record<string, string> & { CHAIN_SIGNING_KEY_FILE: string } = {
  ...database.env,
  OUTBOX_DIR: join(dataDir, 'outbox'),
  CHAIN_SIGNING_KEY_FILE: join(dataDir, 'keys', 'chain.pem'),
  ...consentBudgetsLifted,
};
let portal: RunningPortal;
// On PostgreSQL the instances share the key through CHAIN_SIGNING_KEY (required there): it is known before the first
// anchoring, and no key file is written. On SQLite the first anchoring generates the key file.
const keyFromEnvironment = env.CHAIN_SIGNING_KEY !== undefined;
const publicHalf = (pem: string) => createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();

beforeAll(async () => {
  portal = await startPortal(env);
}, 60_000);
afterAll(async () => {
  await portal.stop();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function decide(): Promise<string> {
  const config = (await (await fetch(`${portal.baseURL}/api/consent/config?site=demo&lang=nl`)).json()) as { revision: string };
  const answer = await fetch(`${portal.baseURL}/api/consent`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:4322' },
    body: JSON.stringify({
      site: 'demo',
      action: 'reject-all',
      locale: 'nl',
      revision: config.revision,
      bannerVersion: '1',
      choices: { preferences: false, analytics: false, marketing: false },
    }),
  });
  expect(answer.status, await answer.clone().text()).toBeLessThan(300);
  return ((await answer.json()) as { consentId: string }).consentId;
}

describe('the signed chain, published', () => {
  test('before the first anchoring there is no key to publish, and a receipt says the record is not anchored yet', async () => {
    expect((await fetch(`${portal.baseURL}/api/consent/chain/key`)).status).toBe(keyFromEnvironment ? 200 : 404);
    const consentId = await decide();
    const receipt = (await (await fetch(`${portal.baseURL}/api/consent/${consentId}/receipt`)).json()) as {
      chain: { anchoredHead: unknown; anchored: boolean };
    };
    expect(receipt.chain).toMatchObject({ anchoredHead: null, anchored: false });
  });

  test('after consent:anchor, a third party checks the printed head with the published key; receipts carry the record’s hash and that head', async () => {
    const consentId = await decide();
    const anchored = runScript('scripts/consent-anchor.ts', [], env);
    expect(anchored.status, anchored.stderr).toBe(0);
    const anchorsFile = join(dataDir, 'data', 'consent-anchors.jsonl');
    expect(statSync(anchorsFile).mode & 0o777).toBe(0o644);
    if (!keyFromEnvironment) {
      expect(statSync(env.CHAIN_SIGNING_KEY_FILE).mode & 0o777).toBe(0o600);
      // The public half beside it, for the portal: it needs no read access to the private key.
      expect(statSync(`${env.CHAIN_SIGNING_KEY_FILE}.pub`).mode & 0o777).toBe(0o644);
    }
    const printed = anchored.stdout.trim().split('\n').at(-1) ?? '';
    expect(readFileSync(anchorsFile, 'utf8')).toBe(`${printed}\n`);

    const keyAnswer = await fetch(`${portal.baseURL}/api/consent/chain/key`);
    expect(keyAnswer.status).toBe(200);
    expect(keyAnswer.headers.get('cache-control')).toContain('public');
    const pem = await keyAnswer.text();
    expect(pem).toContain('BEGIN PUBLIC KEY');
    expect(pem).not.toContain('PRIVATE');
    expect(pem).toBe(env.CHAIN_SIGNING_KEY ? publicHalf(env.CHAIN_SIGNING_KEY) : readFileSync(`${env.CHAIN_SIGNING_KEY_FILE}.pub`, 'utf8'));
    // The third party's check: the line without its signature is the signed message.
    const { signature, ...head } = JSON.parse(printed) as Record<string, unknown> & { signature: string };
    expect(verify(null, Buffer.from(JSON.stringify(head)), createPublicKey(pem), Buffer.from(signature, 'base64'))).toBe(true);
    expect(head).toMatchObject({ count: 2, lastId: 2 });

    const receipt = (await (await fetch(`${portal.baseURL}/api/consent/${consentId}/receipt`)).json()) as {
      chain: { recordId: number; recordHash: string; anchoredHead: unknown; anchored: boolean; publicKeyUrl: string };
    };
    const stored = (await database.sql.row<{ id: number; hash: string }>(
      'select id, record_hash as hash from consent_records where consent_id = ?',
      consentId,
    )) ?? {
      id: 0,
      hash: '',
    };
    expect(receipt.chain).toEqual({
      recordId: stored.id,
      recordHash: stored.hash,
      anchoredHead: JSON.parse(printed),
      anchored: true,
      publicKeyUrl: `${portal.baseURL}/api/consent/chain/key`,
    });
  });

  test('the DPO, signed in, downloads the latest head with its key; nobody else does', async () => {
    expect((await fetch(`${portal.baseURL}/dpo/chain-head.json`, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(300);
    const account = createDpoAccount('chain.dpo@ostria.example', 'nl', { env });
    const cookie = sessionCookie(await signInDpo(portal.baseURL, account));
    const page = await (await fetch(`${portal.baseURL}/dpo/consent`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('href="/dpo/chain-head.json"');
    expect(page).toContain(`tot en met registratie #2,`);
    const download = await fetch(`${portal.baseURL}/dpo/chain-head.json`, { headers: { Cookie: cookie } });
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const body = (await download.json()) as { anchoredHead: { lastId: number; signature: string }; publicKey: string };
    const printed = readFileSync(join(dataDir, 'data', 'consent-anchors.jsonl'), 'utf8').trim();
    expect(body.anchoredHead).toEqual(JSON.parse(printed));
    expect(body.publicKey).toBe(await (await fetch(`${portal.baseURL}/api/consent/chain/key`)).text());
  });
});
