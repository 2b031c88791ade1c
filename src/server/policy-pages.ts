import { currentVersion, parseVersionParam, findVersion, todayIn, type PolicyVersion } from '../lib/policy-catalog.ts';
import { isDocumentKey, type DocumentKey } from '../lib/policy.ts';
import { getOrganisation } from './organisation.ts';
import { getPolicyCatalog } from './policies.ts';

export interface DocumentContext {
  document: DocumentKey;
  versions: PolicyVersion[];
  current: PolicyVersion | undefined;
  /** Today in the organisation's time zone: what decides which version is in effect. */
  today: string;
}

/** The document named by a URL segment, or undefined (the page answers the localized 404). */
export async function loadDocument(segment: string | undefined): Promise<DocumentContext | undefined> {
  if (!isDocumentKey(segment)) return undefined;
  const versions = getPolicyCatalog()[segment];
  const today = todayIn(getOrganisation().timeZone);
  return { document: segment, versions, current: currentVersion(versions, today), today };
}

/** One version named by a URL segment (`/v/2`), or undefined. */
export function pickVersion(context: DocumentContext, segment: string | undefined): PolicyVersion | undefined {
  const number = parseVersionParam(segment);
  return number === undefined ? undefined : findVersion(context.versions, number);
}
