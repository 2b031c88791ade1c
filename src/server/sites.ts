import source from '../../content/sites.json';
import { sitesFileSchema, type Site } from '../lib/site.ts';

/** The sites allowed to embed the banner, from content/sites.json, validated when the server starts. */
export const sites: readonly Site[] = sitesFileSchema.parse(source).sites;

export function findSite(id: string): Site | undefined {
  return sites.find((site) => site.id === id);
}

export const portalSite: Site = findSite('portal') as Site;
