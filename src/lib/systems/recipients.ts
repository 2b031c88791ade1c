import { formatDateUntil, type Translate } from '../i18n.ts';
import type { Locale } from '../locale.ts';
import type { Mailer } from '../mailer.ts';
import type { Organisation } from '../organisation.ts';
import { composeMail, type MailBlock } from '../request-email.ts';
import { mailFailed, type Connector } from './tasks.ts';

// The `email` channel: a recipient the notice names (a processor of content/organisation.json) is told, in its own
// language, that the person's data was erased and asked to erase what it processes for the organisation (Art. 19 GDPR).

export interface RecipientConnectorOptions {
  mailer: Mailer;
  translatorFor: (locale: Locale) => Translate;
  organisation: Organisation;
}

export function recipientConnector({ mailer, translatorFor, organisation }: RecipientConnectorOptions): Connector {
  return async (context) => {
    const recipient = context.recipient;
    if (!recipient) return { kind: 'failed', error: { code: 'mailFailed', detail: 'not a recipient of the notice' }, retryable: false };
    const t = translatorFor(recipient.locale);
    const values = {
      recipient: recipient.name,
      organisation: organisation.legalName,
      reference: context.request.reference,
      due: formatDateUntil(context.task.dueOn, recipient.locale),
      dpoName: organisation.dpo.name,
      dpoEmail: organisation.dpo.email,
    };
    const identifiers = (['email', 'customerReference', 'phone'] as const).flatMap((name) => {
      const value = context.identifiers[name];
      return value ? [t(`systems.recipientEmail.${name}`, { value })] : [];
    });
    const blocks: MailBlock[] = [
      { text: t('systems.recipientEmail.greeting', values) },
      { text: t('systems.recipientEmail.body', values) },
      { text: [t('systems.recipientEmail.identifiers'), ...identifiers].join('\n') },
      { text: t('systems.recipientEmail.confirm', values) },
    ];
    const mail = composeMail({
      lang: recipient.locale,
      to: recipient.email,
      subject: t('systems.recipientEmail.subject', values),
      blocks,
      signature: t('systems.recipientEmail.signature', values),
    });
    try {
      const sent = await mailer.send(mail);
      return { kind: 'done', result: { kind: 'notified', messageId: sent.messageId } };
    } catch (error) {
      return mailFailed(error);
    }
  };
}
