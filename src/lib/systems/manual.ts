import type { RequestRow } from '../../../db/rows.ts';
import { formatCalendarDate, formatDateOn, formatMoment, type Translate } from '../i18n.ts';
import type { Locale } from '../locale.ts';
import type { Mailer } from '../mailer.ts';
import { hashToken } from '../marketing.ts';
import type { Organisation } from '../organisation.ts';
import { composeMail, type MailBlock } from '../request-email.ts';
import { fieldTextKey } from '../requests.ts';
import { ownerLinkValidMs, ownerTaskPath, ownerTaskToken } from './owner-token.ts';
import type { Identifiers } from './register.ts';
import { mailFailed, type Connector, type TaskAction } from './tasks.ts';

// The `manual` channel: the system's owner is emailed, in their language, what the request asks of their system and
// a private link to the task page (src/pages/[locale]/tasks/[task].astro), where they upload the person's data or
// confirm what they did. The task waits (pending, with the link's token hash) until the owner answers there.

export interface ManualConnectorOptions {
  mailer: Mailer;
  translatorFor: (locale: Locale) => Translate;
  organisation: Organisation;
  portalSecret: string;
}

/** The requester's own words an owner acts on (rectification, restriction, objection), in the order of the form. */
const requesterFields = ['inaccurateData', 'correctData', 'scope', 'grounds', 'details'] as const;

/** The requester's text for a `forward` or `restrict` task, as labelled fields (label key, text); none for the others. */
export function requesterText(request: RequestRow, action: TaskAction): { label: string; text: string }[] {
  if (action !== 'forward' && action !== 'restrict') return [];
  return requesterFields.flatMap((field) => {
    const text = request[field]?.trim();
    return text ? [{ label: fieldTextKey(field, request.type), text }] : [];
  });
}

/** The verified identifiers, labelled (`ownerTask.identifiers.<name>`), those present only. */
export function identifierLines(identifiers: Identifiers): { label: string; value: string }[] {
  return (['email', 'customerReference', 'phone'] as const).flatMap((name) => {
    const value = identifiers[name];
    return value ? [{ label: `ownerTask.identifiers.${name}`, value }] : [];
  });
}

export function manualConnector({ mailer, translatorFor, organisation, portalSecret }: ManualConnectorOptions): Connector {
  return async (context) => {
    const { system, task, request } = context;
    if (!system) return { kind: 'failed', error: { code: 'mailFailed', detail: 'not a system of the register' }, retryable: false };
    const owner = system.owner;
    const t = translatorFor(owner.locale);
    const expiresAt = context.now + ownerLinkValidMs;
    const token = ownerTaskToken(portalSecret, task.id, expiresAt);
    const link = `${context.portalOrigin}${ownerTaskPath(owner.locale, task.id, token)}`;
    const values = {
      owner: owner.name ?? owner.email,
      organisation: organisation.legalName,
      system: system.name[owner.locale],
      reference: request.reference,
      type: t(`requests.types.${request.type}.name`),
      action: t(`ownerTask.actions.${task.action}`),
      due: formatCalendarDate(task.dueOn, owner.locale),
      dpoName: organisation.dpo.name,
      dpoEmail: organisation.dpo.email,
      until: formatMoment(expiresAt, owner.locale),
    };
    const identifiers = identifierLines(context.identifiers).map((line) => `${t(line.label)}: ${line.value}`);
    const words = requesterText(request, task.action).map((field) => `${t(field.label)}:\n${field.text}`);
    const blocks: MailBlock[] = [
      { text: t('ownerTask.email.greeting', values) },
      { text: t('ownerTask.email.body', { ...values, due: formatDateOn(task.dueOn, owner.locale) }) },
      { text: t(`ownerTask.todo.${task.action}`, values) },
      { text: [t('ownerTask.email.identifiers'), ...identifiers].join('\n') },
      ...(words.length ? [{ text: [t('ownerTask.email.requesterText'), ...words].join('\n\n') }] : []),
      { text: t('ownerTask.email.link', values) },
      { link },
      { text: t('ownerTask.email.private', values) },
    ];
    const mail = composeMail({
      lang: owner.locale,
      to: owner.email,
      subject: t('ownerTask.email.subject', values),
      blocks,
      signature: t('ownerTask.email.signature', values),
    });
    try {
      await mailer.send(mail);
    } catch (error) {
      return mailFailed(error);
    }
    return { kind: 'waiting', tokenHash: hashToken(token), tokenExpiresAt: expiresAt };
  };
}
