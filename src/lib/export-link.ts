import { createHmac, timingSafeEqual } from 'node:crypto';

// Download links the requester can use without their status token: the package of an access or portability request,
// and each file the DPO attached to another request's answer. A link names what it opens and until when, signed with
// the portal secret; it works until then, and never past the download's current expiry.

export type DownloadPurpose = 'export-download' | 'file-download';
export type LinkCheck = { ok: true; until: number } | { ok: false; problem: 'wrong' | 'expired' };

const signature = (secret: string, purpose: DownloadPurpose, reference: string, id: number, until: number): string =>
  createHmac('sha256', secret).update(`${purpose}\n${reference}\n${id}\n${until}`, 'utf8').digest('base64url');

/** The query (`until=<ms>&sig=<base64url HMAC-SHA256>`) of a signed download link. */
export function signedLinkQuery(secret: string, purpose: DownloadPurpose, reference: string, id: number, until: number): string {
  return `until=${until}&sig=${signature(secret, purpose, reference, id, until)}`;
}

/**
 * Checks a signed link's `until` and `sig` (in constant time): `wrong` when either is missing, malformed or not the
 * portal's signature for this reference and id, `expired` when it is the portal's but `until` has passed.
 */
export function checkSignedLink(
  secret: string,
  purpose: DownloadPurpose,
  reference: string,
  id: number,
  given: { until: string | null; sig: string | null },
  now: number,
): LinkCheck {
  if (!given.until || !/^\d{1,15}$/.test(given.until) || !given.sig || given.sig.length > 64) return { ok: false, problem: 'wrong' };
  const until = Number(given.until);
  const expected = Buffer.from(signature(secret, purpose, reference, id, until), 'utf8');
  const presented = Buffer.from(given.sig, 'utf8');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { ok: false, problem: 'wrong' };
  return until < now ? { ok: false, problem: 'expired' } : { ok: true, until };
}

/** The signed link's query for a request's package (`export-download\n<reference>\n<exportId>\n<until>`). */
export function exportLinkQuery(secret: string, reference: string, exportId: number, until: number): string {
  return signedLinkQuery(secret, 'export-download', reference, exportId, until);
}

export function checkExportLink(
  secret: string,
  reference: string,
  exportId: number,
  given: { until: string | null; sig: string | null },
  now: number,
): LinkCheck {
  return checkSignedLink(secret, 'export-download', reference, exportId, given, now);
}

/** The signed link's query for one file the DPO attached to the answer (`file-download\n<reference>\n<fileId>\n<until>`). */
export function fileLinkQuery(secret: string, reference: string, fileId: number, until: number): string {
  return signedLinkQuery(secret, 'file-download', reference, fileId, until);
}

export function checkFileLink(secret: string, reference: string, fileId: number, given: { until: string | null; sig: string | null }, now: number): LinkCheck {
  return checkSignedLink(secret, 'file-download', reference, fileId, given, now);
}
