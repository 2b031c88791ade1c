import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrateFor } from '../../scripts/support/server-process.ts';
import { appendConsentRecord } from '../../src/lib/consent.repo.ts';
import { newToken } from '../../src/lib/marketing.ts';
import { createRequest, takeAction } from '../../src/lib/requests.repo.ts';
import { requestSubmissionSchema } from '../../src/lib/requests.ts';
import { consentDecision } from '../support/consent-decision.ts';
import { createDpoAccount, sessionCookie, signInDpo } from './dpo-account.ts';
import { startPortal, type RunningPortal } from './portal.ts';
import { runScript, translate } from './scripts.ts';
import { testStoreEnvironment } from './store.ts';

// A database of its own: the shared test portal's records are all recent, so nothing there is past any period.
const dataDir = mkdtempSync(join(tmpdir(), 'portal-retention-'));
const database = await testStoreEnvironment(dataDir);
const env = { ...database.env, OUTBOX_DIR: join(dataDir, 'outbox') };
const day = 24 * 60 * 60 * 1000;
const fourYearsAgo = Date.now() - 4 * 365 * day;
const oldIds = ['oooooooooooooooooooooA', 'oooooooooooooooooooooB', 'oooooooooooooooooooooC'];
const recentId = 'rrrrrrrrrrrrrrrrrrrrrr';
const dpoEmail = 'retention.dpo@ostria.example';
let portal: RunningPortal | undefined;
let reference = '';

beforeAll(async () => {
  // Seeded before the portal first starts, on the database `npm run db:migrate` makes.
  migrateFor(env);
  const store = database.store();
  for (const [index, id] of oldIds.entries())
    await appendConsentRecord(store, consentDecision(id, fourYearsAgo + index * day, true, { expiresAt: fourYearsAgo + 182 * day }));
  await appendConsentRecord(store, consentDecision(recentId, Date.now() - day, true, { expiresAt: Date.now() + 181 * day }));
  const submission = requestSubmissionSchema.parse({
    type: 'objection',
    locale: 'el',
    name: 'Μαρία Παππά',
    email: 'maria.retention@example.gr',
    scope: 'Ενημερωτικά',
    grounds: 'Άμεση εμπορική προώθηση',
    declaration: true,
  });
  const request = await createRequest(store, {
    submission,
    now: fourYearsAgo,
    timeZone: 'Europe/Athens',
    statusTokenHashFor: () => newToken().hash,
    verifyTokenHash: newToken().hash,
  });
  reference = request.reference;
  await takeAction(store, request.reference, { action: 'reject', reason: 'Η Μαρία δεν είναι πελάτισσα' }, 'dpo:eleni@ostria.example', fourYearsAgo + day);
  await database.close();
});
afterAll(async () => {
  await portal?.stop();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const personal = /Μαρία|maria\.retention|ooooooooo|rrrrrrrrr/;
const auditEvents = async () => {
  const rows = await database.sql.column<string>("select detail from audit_events where kind = 'retention-applied' order by id");
  return rows.map((detail) => JSON.parse(detail) as { consentRecords: { deleted: number }; closedRequests: { anonymised: number } });
};

describe('npm run retention:apply', () => {
  test('--dry-run says what would go and changes nothing', async () => {
    const dry = runScript('scripts/retention-apply.ts', ['--dry-run'], env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was changed');
    expect(dry.stdout).toMatch(/Consent records, kept 36 months \(recorded before \d{4}-\d{2}-\d{2} and expired\): deleted 3, up to record #3/);
    expect(dry.stdout).toContain('anonymised 1, exports deleted 0, audit-event texts removed 1.');
    expect(await auditEvents()).toEqual([]);
    const verify = runScript('scripts/consent-verify.ts', [], env);
    expect(verify.stdout).toContain('Consent chain intact: 4 records verified');
  });

  test('deletes the expired consent records and anonymises the old closed request, prints counts only, and records an audit event', async () => {
    const applied = runScript('scripts/retention-apply.ts', [], env);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Retention applied (audit event #1).');
    expect(applied.stdout).toContain('deleted 3, up to record #3; the chain is verified from that checkpoint.');
    expect(applied.stdout).toContain('anonymised 1, exports deleted 0, audit-event texts removed 1.');
    expect(applied.stdout + applied.stderr).not.toMatch(personal);
    expect(await auditEvents()).toMatchObject([{ consentRecords: { deleted: 3 }, closedRequests: { anonymised: 1 } }]);

    const verify = runScript('scripts/consent-verify.ts', [], env);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('Consent chain intact: 1 records verified');
    expect(verify.stdout).toContain('3 older records (up to #3) removed by retention');
  });

  test('a second run finds nothing more and still records that it ran', async () => {
    const again = runScript('scripts/retention-apply.ts', [], env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('deleted 0.');
    expect(again.stdout).toContain('anonymised 0, exports deleted 0, audit-event texts removed 0.');
    expect(await auditEvents()).toMatchObject([{ consentRecords: { deleted: 3 } }, { consentRecords: { deleted: 0 }, closedRequests: { anonymised: 0 } }]);
    expect(runScript('scripts/consent-verify.ts', [], env).status).toBe(0);
  });

  test('an unknown option is refused with the usage and changes nothing', async () => {
    const wrong = runScript('scripts/retention-apply.ts', ['--all'], env);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('Usage: npm run retention:apply');
    expect(await auditEvents()).toHaveLength(2);
  });
});

describe('after retention, the portal', () => {
  test('shows the DPO a remaining consent record with its chain intact, the anonymised request as such, and records new decisions on the chain', async () => {
    const account = createDpoAccount(dpoEmail, 'el', { env });
    portal = await startPortal(env);
    const signIn = await signInDpo(portal.baseURL, account);
    expect(signIn.status).toBe(303);
    const cookie = sessionCookie(signIn);
    const page = await fetch(`${portal.baseURL}/dpo/consent?q=${recentId}`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-chain="intact"');
    expect(html).toContain(`data-consent-id="${recentId}"`);
    const gone = await (await fetch(`${portal.baseURL}/dpo/consent?q=${oldIds[0]}`, { headers: { Cookie: cookie } })).text();
    expect(gone).toContain('data-none');

    const request = await (await fetch(`${portal.baseURL}/dpo/requests/${reference}`, { headers: { Cookie: cookie } })).text();
    expect(request).toContain('data-anonymised');
    expect(request).toContain(translate('el')('dpo.request.detail.redacted'));
    expect(request).not.toMatch(personal);
    // The DPO reads that the name and address were removed, not the placeholder the row holds in their place.
    expect(request).not.toContain('anonymised@retention.invalid');
    expect(request).toMatch(/data-submitted-name><em>[^<]+<\/em>/);

    const decision = await fetch(`${portal.baseURL}/api/consent`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:4322' },
      body: JSON.stringify({
        site: 'demo',
        consentId: recentId,
        action: 'reject-all',
        locale: 'el',
        revision: await currentRevision(portal.baseURL),
        bannerVersion: '1',
        choices: { preferences: false, analytics: false, marketing: false },
      }),
    });
    expect(decision.status, await decision.clone().text()).toBeLessThan(300);
    const verify = runScript('scripts/consent-verify.ts', [], env);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('Consent chain intact: 2 records verified');
  });
});

async function currentRevision(baseURL: string): Promise<string> {
  const config = (await (await fetch(`${baseURL}/api/consent/config?site=demo&lang=el`)).json()) as { revision: string };
  return config.revision;
}
