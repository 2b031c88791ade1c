import { openStore } from '../../db/connection.ts';
import type { Store } from '../../db/store.ts';
import { getEnvironment } from './environment.ts';

let store: Store | undefined;

/**
 * The portal's store. Under the portal's own server it is the one that server opened (handed over through
 * `locals.store`, see `adoptStore`), so the consent fast path and Astro share one connection and one turn queue;
 * under `astro dev` it is opened here on first use. It is migrated by `npm run db:migrate` (a release step, run
 * before `npm start` and `npm run dev`), never by a serving process; /readyz says whether it is current.
 */
export function getStore(): Store {
  store ??= openStore(getEnvironment());
  return store;
}

/** Takes the store the portal's server built; the first one handed over stays. */
export function adoptStore(given: Store): void {
  store ??= given;
}
