import { resolve } from 'node:path';
import { createSmsSender, type SmsSender } from '../lib/sms.ts';
import { getEnvironment } from './environment.ts';

let sender: SmsSender | undefined;

export function getSmsSender(): SmsSender {
  const environment = getEnvironment();
  sender ??= createSmsSender({ url: environment.SMS_URL, token: environment.SMS_TOKEN, outboxDir: resolve(environment.OUTBOX_DIR) });
  return sender;
}
