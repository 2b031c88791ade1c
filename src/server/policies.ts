import { getCollection } from 'astro:content';
import { buildCatalog, type PolicyCatalog } from '../lib/policy-catalog.ts';
import { toPolicyText } from '../lib/policy.ts';

let catalog: Promise<PolicyCatalog> | undefined;

/** Every policy version from the content collection, checked for parity across locales. */
export function getPolicyCatalog(): Promise<PolicyCatalog> {
  catalog ??= getCollection('policies').then((entries) => buildCatalog(entries.map((entry) => toPolicyText(entry.id, entry.data, entry.body ?? ''))));
  return catalog;
}
