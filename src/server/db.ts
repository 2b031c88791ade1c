import type { Store } from '../../db/store.ts';
import { getPortal } from './portal.ts';

/** The portal's one store (see `getPortal`): Astro and the consent fast path share its connection and turn queue. */
export function getStore(): Store {
  return getPortal().store;
}
