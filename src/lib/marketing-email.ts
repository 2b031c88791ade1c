import type { OutgoingMail } from './mailer.ts';
import type { Translate } from './i18n.ts';

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML: every template value passes through here, so no input is ever markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

export interface ConfirmationEmailInput {
  t: Translate;
  lang: string;
  organisation: string;
  dpoEmail: string;
  address: string;
  confirmUrl: string;
  unsubscribeUrl: string;
}

/**
 * The double opt-in message, plain text and HTML, in the subscriber's language, with one-click unsubscribe
 * headers (RFC 2369 List-Unsubscribe, RFC 8058 List-Unsubscribe-Post).
 */
export function confirmationEmail(input: ConfirmationEmailInput): OutgoingMail {
  const { t } = input;
  const values = { organisation: input.organisation, address: input.address, dpoEmail: input.dpoEmail };
  const paragraphs = [t('marketing.email.greeting'), t('marketing.email.confirmBody', values)];
  const after = [t('marketing.email.ignore')];
  const footer = [t('marketing.email.unsubscribeFooter'), t('marketing.email.signature', values)];
  const text = [...paragraphs, input.confirmUrl, ...after, '--', footer[0], input.unsubscribeUrl, footer[1]].join('\n\n');
  const p = (value: string) => `<p>${escapeHtml(value)}</p>`;
  const link = (url: string, label: string) => `<p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>`;
  const html = [
    `<!doctype html><html lang="${escapeHtml(input.lang)}"><head><meta charset="utf-8"><title>${escapeHtml(t('marketing.email.confirmSubject', values))}</title></head><body>`,
    ...paragraphs.map(p),
    link(input.confirmUrl, input.confirmUrl),
    ...after.map(p),
    '<hr>',
    `<p><small>${escapeHtml(footer[0] ?? '')} <a href="${escapeHtml(input.unsubscribeUrl)}">${escapeHtml(input.unsubscribeUrl)}</a></small></p>`,
    `<p><small>${escapeHtml(footer[1] ?? '')}</small></p>`,
    '</body></html>',
  ].join('\n');
  return {
    to: input.address,
    subject: t('marketing.email.confirmSubject', values),
    text,
    html,
    headers: {
      'List-Unsubscribe': `<${input.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // As every mail the portal sends (composeMail): the reader's language, and no vacation responder answers it.
      'Content-Language': input.lang,
      'Auto-Submitted': 'auto-generated',
    },
    links: [input.confirmUrl, input.unsubscribeUrl],
  };
}
