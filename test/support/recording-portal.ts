import type { Store } from '../../db/store.ts';
import { readEnvironment } from '../../src/lib/environment.ts';
import type { OutgoingMail } from '../../src/lib/mailer.ts';
import { adoptPortal, createPortal } from '../../src/server/portal.ts';

/**
 * Makes the portal the server code uses one built on `store` and `clock`, whose mailer keeps every message in `sent`
 * instead of sending it: for db tests of use cases that mail (recording a request, a new verification link).
 */
export function adoptRecordingPortal(store: Store, clock: () => number, sent: OutgoingMail[], settings: Record<string, string> = {}): void {
  const environment = readEnvironment({ PORTAL_SECRET: 'a test secret of at least thirty-two characters', ...settings });
  adoptPortal({
    ...createPortal(environment, { store, clock }),
    mailer: {
      send: async (mail) => {
        sent.push(mail);
        return { messageId: `m${sent.length}` };
      },
    },
  });
}
