import type { Translate } from './i18n.ts';
import type { LinkedConsentId, LinkedSubscription } from './subject.repo.ts';

/** What makes a consent id the person's, as the DPO reads it: how it was proven, and on which request. */
export function consentIdLinkText(link: LinkedConsentId, t: Translate): string {
  const key = link.provenBy === 'browser' ? 'dpo.request.linkedBy.consentIdBrowser' : 'dpo.request.linkedBy.consentIdDpo';
  return t(key, { consentId: link.consentId, reference: link.reference });
}

/** What links a marketing consent to the person: the request's address, or the consent id it was signed up with. */
export function subscriptionLinkText({ subscription, linkedBy }: LinkedSubscription, t: Translate): string {
  return linkedBy === 'address' ? t('dpo.request.linkedBy.address') : t('dpo.request.linkedBy.consentId', { consentId: subscription.consentId });
}
