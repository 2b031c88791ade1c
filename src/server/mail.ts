import { resolve } from 'node:path';
import { createMailer, type Mailer } from '../lib/mailer.ts';
import { getEnvironment } from './environment.ts';
import { organisation } from './organisation.ts';

let mailer: Mailer | undefined;

export function getMailer(): Mailer {
  const environment = getEnvironment();
  mailer ??= createMailer({
    from: environment.MAIL_FROM ?? `${organisation.shortName} <${organisation.privacyEmail}>`,
    smtpUrl: environment.SMTP_URL,
    outboxDir: resolve(environment.OUTBOX_DIR),
  });
  return mailer;
}
