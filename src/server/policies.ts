import type { PolicyCatalog } from '../lib/policy-catalog.ts';
import { getPortal } from './portal.ts';

/** Every policy version from content/policies, checked for parity across locales when the portal is built. */
export function getPolicyCatalog(): PolicyCatalog {
  return getPortal().catalogue;
}
