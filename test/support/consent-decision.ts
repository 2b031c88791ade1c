import type { ConsentRecordFields } from '../../src/lib/consent.ts';

/** A cookie decision as the banner records it: a refusal, or (analytics true) a choice of statistics only. */
export function consentDecision(consentId: string, at: number, analytics = false, overrides: Partial<ConsentRecordFields> = {}): ConsentRecordFields {
  return {
    consentId,
    siteId: 'demo',
    origin: 'http://localhost:4322',
    recordedAt: at,
    action: analytics ? 'custom' : 'reject-all',
    source: 'banner',
    preferences: false,
    analytics,
    marketing: false,
    locale: 'nl',
    policyDocument: 'privacy-notice',
    policyVersion: 2,
    textHash: 'c'.repeat(64),
    bannerVersion: '1',
    revision: '2-0c32a859',
    expiresAt: at + 1000,
    gpcSignal: false,
    ...overrides,
  };
}
