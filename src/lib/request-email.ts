import type { ComplaintAuthority } from './supervisory-authorities.ts';
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

/** What the first message to a requester names, by the names its sentences use. */
function firstMailValues(input: Omit<RequestReceivedEmailInput, 'verifyUrl'>) {
  return {
    name: input.name,
    reference: input.reference,
    type: input.typeName,
    date: input.receivedOn,
    due: input.dueOn,
    organisation: input.organisation,
    dpoName: input.dpoName,
    dpoEmail: input.dpoEmail,
  };
}

/**
 * The first message to a requester: what we received and by when we answer, the verification link (72 hours,
 * once) and the private link to the status page. Every value, the requester's name included, is data inserted into
 * fixed sentences (i18next does not interpolate or nest inside values) and is HTML-escaped in the HTML part.
 */
export function requestReceivedEmail(input: RequestReceivedEmailInput): OutgoingMail {
  const { t } = input;
  const values = firstMailValues(input);
  const subject = t('requests.email.subject', values);
  const blocks: MailBlock[] = [
    { text: t('requests.email.greeting', values) },
    { text: t('requests.email.received', values) },
    { text: t('requests.email.confirm') },
    { link: input.verifyUrl },
    { text: t('requests.email.follow') },
    { link: input.statusUrl },
    { text: t('requests.email.notYou') },
  ];
  return composeMail({ lang: input.lang, to: input.to, subject, blocks, signature: t('requests.email.signature', values) });
}

/** The message to a requester whose request the DPO recorded from a letter, a call or an email (no link to confirm). */
export interface RequestRecordedEmailInput extends Omit<RequestReceivedEmailInput, 'verifyUrl'> {
  channel: 'post' | 'phone' | 'email';
}

/**
 * What a requester whose request reached us by post, phone or email is told once the DPO recorded it: how and when it
 * was received, by when we answer, and the private link to the status page. No verification link: the address came
 * from the DPO, not from the requester online, so a click would prove little; the DPO checks the identity (a customer
 * account, a document) and says so here.
 */
export function requestRecordedEmail(input: RequestRecordedEmailInput): OutgoingMail {
  const { t } = input;
  const values = firstMailValues(input);
  const blocks: MailBlock[] = [
    { text: t('requests.email.greeting', values) },
    { text: t(`requests.email.recorded.${input.channel}`, values) },
    { text: t('requests.email.recorded.identity', values) },
    { text: t('requests.email.follow') },
    { link: input.statusUrl },
    { text: t('requests.email.recorded.notYou', values) },
  ];
  return composeMail({
    lang: input.lang,
    to: input.to,
    subject: t('requests.email.recorded.subject', values),
    blocks,
    signature: t('requests.email.signature', values),
  });
}

/** A paragraph of fixed text with the values inserted, a link, or the DPO's own words (line breaks kept). */
export type MailBlock = { text: string } | { link: string };

/** A plain-text and an HTML part from the same blocks; every value is escaped in the HTML part. */
export function composeMail(input: { lang: string; to: string; subject: string; blocks: readonly MailBlock[]; signature: string }): OutgoingMail {
  const { subject, blocks, signature } = input;
  const text = [...blocks.map((block) => ('text' in block ? block.text : block.link)), '--', signature].join('\n\n');
  const html = [
    `<!doctype html><html lang="${escapeHtml(input.lang)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    ...blocks.map((block) =>
      'text' in block
        ? `<p>${escapeHtml(block.text).replaceAll('\n', '<br>')}</p>`
        : `<p><a href="${escapeHtml(block.link)}">${escapeHtml(block.link)}</a></p>`,
    ),
    '<hr>',
    `<p><small>${escapeHtml(signature)}</small></p>`,
    '</body></html>',
  ].join('\n');
  return {
    to: input.to,
    subject,
    text,
    html,
    // The language the reader's mail program and screen reader should use; and, per RFC 3834, that no
    // vacation responder should answer: the portal sends these, nobody reads the replies to them.
    headers: { 'Content-Language': input.lang, 'Auto-Submitted': 'auto-generated' },
    links: blocks.flatMap((block) => ('link' in block ? [block.link] : [])),
  };
}

export interface RequestUpdateEmailInput {
  t: Translate;
  lang: string;
  to: string;
  name: string;
  reference: string;
  statusUrl: string;
  organisation: string;
  dpoName: string;
  dpoEmail: string;
  update:
    | { kind: 'extended'; dueOn: string; reason: string }
    | { kind: 'completed'; message: string; export: boolean; downloads?: Downloads | undefined }
    | { kind: 'rejected'; reason: string }
    | { kind: 'renewed'; downloads: Downloads }
    | { kind: 'information'; reason: 'identification' | 'clarification'; question: string };
  /** Where the requester can complain about a rejection (their country's authority, our lead one). */
  authorities?: readonly ComplaintAuthority[];
}

/** A rejection's way out, as mail text: each authority with its contact details, and the courts (Art. 77 and 79). */
function complaintBlocks(t: Translate, authorities: readonly ComplaintAuthority[]): MailBlock[] {
  return [
    ...authorities.map(({ role, authority }) => ({
      text: [
        `${t(`package.authority.${role}`)}: ${authority.name} (${authority.abbreviation})`,
        `${t('package.authority.address')}: ${authority.address}`,
        `${t('package.authority.phone')}: ${authority.phone}`,
        ...(authority.email ? [`${t('package.authority.email')}: ${authority.email}`] : []),
        `${t('package.authority.website')}: ${authority.website}`,
      ].join('\n'),
    })),
    { text: t('requests.complaint.court') },
  ];
}

/**
 * The signed download links a mail hands over, until when they work (a date in the request's language): the package,
 * or each file the DPO attached to the answer, by name.
 */
export interface Downloads {
  until: string;
  links: readonly { name?: string; url: string }[];
}

function downloadBlocks(t: Translate, downloads: Downloads): MailBlock[] {
  const files = downloads.links.filter((link) => link.name !== undefined).length;
  return [
    { text: files ? t('dpo.email.filesLink', { count: files, date: downloads.until }) : t('dpo.email.exportLink', { date: downloads.until }) },
    ...downloads.links.flatMap((link): MailBlock[] => (link.name === undefined ? [{ link: link.url }] : [{ text: link.name }, { link: link.url }])),
  ];
}

/**
 * What the DPO decided, told to the requester in the request's language: a longer deadline and why, the answer
 * (with the export on the status page for access and portability), or a refusal with the reason and the right to
 * complain, or the DPO's renewal of the downloads. The package and the answer's files travel as signed links (never
 * with the status token). The DPO's words are quoted as they typed them.
 */
export function requestUpdateEmail(input: RequestUpdateEmailInput): OutgoingMail {
  const { t, update } = input;
  const values = { name: input.name, reference: input.reference, organisation: input.organisation, dpoName: input.dpoName, dpoEmail: input.dpoEmail };
  const status: MailBlock[] = [{ text: t('dpo.email.statusLink') }, { link: input.statusUrl }];
  let subject: string;
  let body: MailBlock[];
  switch (update.kind) {
    case 'extended':
      subject = t('dpo.email.extendedSubject', values);
      body = [
        { text: t('dpo.email.extendedBody', { ...values, due: update.dueOn }) },
        { text: t('dpo.email.extendedReason', { reason: update.reason }) },
        ...status,
      ];
      break;
    case 'completed':
      subject = t('dpo.email.completedSubject', values);
      body = [
        { text: t('dpo.email.completedBody', values) },
        { text: update.message },
        ...(update.downloads?.links.length
          ? [...downloadBlocks(t, update.downloads), ...status]
          : update.export
            ? [{ text: t('dpo.email.completedExport') }, { link: input.statusUrl }]
            : status),
      ];
      break;
    case 'renewed':
      subject = t('dpo.email.renewedSubject', values);
      body = [{ text: t('dpo.email.renewedBody', values) }, ...downloadBlocks(t, update.downloads), ...status];
      break;
    case 'information':
      subject = t('dpo.email.informationSubject', values);
      body = [
        { text: t(`dpo.email.informationBody.${update.reason}`, values) },
        { text: update.question },
        { text: t('dpo.email.informationAnswer') },
        { link: input.statusUrl },
        { text: t('dpo.email.informationDeadline') },
      ];
      break;
    case 'rejected':
      subject = t('dpo.email.rejectedSubject', values);
      body = [
        { text: t('dpo.email.rejectedBody', values) },
        { text: update.reason },
        { text: t('dpo.email.rejectedRights') },
        ...complaintBlocks(t, input.authorities ?? []),
        ...status,
      ];
      break;
  }
  return composeMail({
    lang: input.lang,
    to: input.to,
    subject,
    blocks: [{ text: t('requests.email.greeting', values) }, ...body],
    signature: t('requests.email.signature', values),
  });
}
