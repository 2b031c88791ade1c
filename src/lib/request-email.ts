import type { Translate } from './i18n.ts';
import type { OutgoingMail } from './mailer.ts';
import { escapeHtml } from './marketing-email.ts';

export interface RequestReceivedEmailInput {
  t: Translate;
  lang: string;
  to: string;
  name: string;
  reference: string;
  /** The request type's name in the request's language. */
  typeName: string;
  receivedOn: string;
  dueOn: string;
  verifyUrl: string;
  statusUrl: string;
  organisation: string;
  dpoName: string;
  dpoEmail: string;
}

/**
 * The first message to a requester: what we received and by when we answer, the verification link (72 hours,
 * once) and the private link to the status page. Every value, the requester's name included, is data inserted into
 * fixed sentences (i18next does not interpolate or nest inside values) and is HTML-escaped in the HTML part.
 */
export function requestReceivedEmail(input: RequestReceivedEmailInput): OutgoingMail {
  const { t } = input;
  const values = {
    name: input.name,
    reference: input.reference,
    type: input.typeName,
    date: input.receivedOn,
    due: input.dueOn,
    organisation: input.organisation,
    dpoName: input.dpoName,
    dpoEmail: input.dpoEmail,
  };
  const subject = t('requests.email.subject', values);
  const blocks: ({ text: string } | { link: string })[] = [
    { text: t('requests.email.greeting', values) },
    { text: t('requests.email.received', values) },
    { text: t('requests.email.confirm') },
    { link: input.verifyUrl },
    { text: t('requests.email.follow') },
    { link: input.statusUrl },
    { text: t('requests.email.notYou') },
  ];
  const signature = t('requests.email.signature', values);
  const text = [...blocks.map((block) => ('text' in block ? block.text : block.link)), '--', signature].join('\n\n');
  const html = [
    `<!doctype html><html lang="${escapeHtml(input.lang)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    ...blocks.map((block) =>
      'text' in block ? `<p>${escapeHtml(block.text)}</p>` : `<p><a href="${escapeHtml(block.link)}">${escapeHtml(block.link)}</a></p>`,
    ),
    '<hr>',
    `<p><small>${escapeHtml(signature)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return { to: input.to, subject, text, html, links: [input.verifyUrl, input.statusUrl] };
}
