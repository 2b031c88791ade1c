import type { SmsSender } from '../lib/sms.ts';
import { getPortal } from './portal.ts';

export function getSmsSender(): SmsSender {
  return getPortal().sms;
}
