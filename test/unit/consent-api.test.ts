import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readMessages, readSites } from '../../scripts/support/content.ts';
import type { BannerStrings } from '../../src/lib/banner-config.ts';
import { answerConsentDecision, termsFor, type ConsentApiContext } from '../../src/lib/consent-api.ts';
import { createDecisionLimits } from '../../src/lib/consent-limits.ts';
import { memoryFloodLimits } from '../../src/lib/flood-limits.ts';
import type { ConsentRecordFields } from '../../src/lib/consent.ts';
import { buildCatalog } from '../../src/lib/policy-catalog.ts';
import { readPolicyTexts } from '../../src/lib/policy-source.ts';

const root = join(import.meta.dirname, '../..');
const catalog = buildCatalog(readPolicyTexts(join(root, 'content/policies')));
const sites = readSites();
const strings = readMessages('pl').banner as unknown as BannerStrings;
const demo = sites.find((site) => site.id === 'demo');
if (!demo) throw new Error('content/sites.json has no demo site');
const terms = termsFor(demo, 'pl', catalog, strings, '2099-01-01');

function portal(perMinute: number) {
  const appended: ConsentRecordFields[] = [];
  const context: ConsentApiContext = {
    findSite: (id) => sites.find((site) => site.id === id),
    terms: () => terms,
    append: async (fields) => {
      appended.push(fields);
      return { ...fields, id: appended.length, previousHash: '', recordHash: '', erasedAt: null, hashVersion: 2, consentSalt: '', consentCommitment: '' };
    },
    selfOrigins: ['http://127.0.0.1:4321'],
    limits: createDecisionLimits(
      { perMinute, perHour: 1000 },
      memoryFloodLimits(() => 0),
    ),
    now: 0,
  };
  return { context, appended };
}

const decision = (action: 'reject-all' | 'gpc' = 'reject-all') =>
  JSON.stringify({
    site: 'demo',
    action,
    source: 'banner',
    locale: 'pl',
    revision: terms.revision,
    bannerVersion: '1',
    choices: { preferences: false, analytics: false, marketing: false },
  });
const origin = 'http://localhost:4322';

describe('answerConsentDecision()', () => {
  test('records `perMinute` decisions of a visitor, then answers 429 with Retry-After and CORS, and appends nothing', async () => {
    const { context, appended } = portal(2);
    const answers = [];
    for (const action of ['reject-all', 'gpc', 'gpc'] as const)
      answers.push(await answerConsentDecision({ bodyText: decision(action), origin, gpcHeader: false, visitor: '192.0.2.1' }, context));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 429]);
    expect(answers[2]?.headers).toMatchObject({ 'Retry-After': '60', 'Access-Control-Allow-Origin': origin, 'Cache-Control': 'no-store' });
    expect(answers[2]?.body).toMatchObject({ error: { code: 'too_many' } });
    expect(appended).toHaveLength(2);
    const other = await answerConsentDecision({ bodyText: decision(), origin, gpcHeader: false, visitor: '192.0.2.2' }, context);
    expect(other.status).toBe(201);
  });

  test('a decision refused for what it is (bad JSON, an origin not allowed) does not use up the budget', async () => {
    const { context } = portal(1);
    expect((await answerConsentDecision({ bodyText: '{', origin, gpcHeader: false, visitor: '192.0.2.1' }, context)).status).toBe(400);
    expect(
      (await answerConsentDecision({ bodyText: decision(), origin: 'https://evil.example', gpcHeader: false, visitor: '192.0.2.1' }, context)).status,
    ).toBe(403);
    expect((await answerConsentDecision({ bodyText: decision(), origin, gpcHeader: false, visitor: '192.0.2.1' }, context)).status).toBe(201);
  });
});
