import type { MarketingSubscription } from '../../db/rows.ts';
import type { Locale } from '../lib/locale.ts';
import { confirmationEmail } from '../lib/marketing-email.ts';
import {
  codeLifetimeMs,
  confirmationLifetimeMs,
  newConfirmationCode,
  newToken,
  signUnsubscribeToken,
  type MarketingChannel,
  type MarketingSignup,
} from '../lib/marketing.ts';
import { portalOrigin } from './environment.ts';
import { translatorFor } from './i18n.ts';
import { getMailer } from './mail.ts';
import { getOrganisation } from './organisation.ts';
import { getPortalSecret } from './secret.ts';
import { getSmsSender } from './sms.ts';

/** The exact consent sentence a channel's sign-up shows, in a locale: shown on the form and kept with the sign-up. */
export function signupWording(channel: MarketingChannel, locale: Locale): string {
  return translatorFor(locale)(`marketing.wording.${channel}`, { organisation: getOrganisation().legalName });
}

/** A confirmation for a sign-up: a link for email, a code for SMS and phone; `hash` and `expiresAt` are stored. */
export interface PendingConfirmation {
  hash: string;
  expiresAt: number;
  send(subscription: MarketingSubscription): Promise<unknown>;
}

/** Prepares the confirmation a sign-up needs, sent (by `send`) only once the sign-up is recorded. */
export function prepareConfirmation(signup: MarketingSignup, locale: Locale, now: number): PendingConfirmation {
  const t = translatorFor(locale);
  if (signup.channel !== 'email') {
    const { code, hash } = newConfirmationCode(getPortalSecret());
    const text = t('marketing.sms.code', { organisation: getOrganisation().shortName, code });
    return { hash, expiresAt: now + codeLifetimeMs, send: () => getSmsSender().send({ to: signup.phone, text, code }) };
  }
  const token = newToken();
  return {
    hash: token.hash,
    expiresAt: now + confirmationLifetimeMs,
    send(subscription) {
      const origin = portalOrigin();
      return getMailer().send(
        confirmationEmail({
          t,
          lang: locale,
          organisation: getOrganisation().legalName,
          dpoEmail: getOrganisation().dpo.email,
          address: signup.email,
          confirmUrl: `${origin}/${locale}/marketing/confirm?token=${token.token}`,
          unsubscribeUrl: `${origin}/${locale}/marketing/unsubscribe?token=${signUnsubscribeToken(subscription.id, getPortalSecret())}`,
        }),
      );
    },
  };
}
