import type { Mailer } from '../lib/mailer.ts';
import { getPortal } from './portal.ts';

export function getMailer(): Mailer {
  return getPortal().mailer;
}
