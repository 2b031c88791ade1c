/**
 * The longest way back that is kept: a longer one, from a hostile link, would come back in a Location header of tens
 * of kilobytes, which proxies refuse (502) and clients cannot read.
 */
export const maxReturnPathLength = 2048;

// Printable ASCII only: a header cannot carry a control character (CR/LF would split it) nor, legibly, anything
// beyond ASCII (U+2028 makes Node throw: a 500). One leading slash, no backslash: `//x` and `/\x` leave the site.
const plainPath = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;
// What a percent-escape must not stand for: the same characters, hidden one level down.
const hiddenControl = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * Whether a way back (`next=`, `returnTo`) may be sent as a Location on this site: a path of printable ASCII starting
 * with one slash, whose percent-escapes are well formed and stand for no control character nor line or paragraph
 * separator, at most `maxReturnPathLength` long. Anything else is replaced by the caller's default, never a 500.
 */
export function isPlainReturnPath(value: string): boolean {
  if (value.length > maxReturnPathLength || !plainPath.test(value)) return false;
  try {
    return !hiddenControl.test(decodeURIComponent(value));
  } catch {
    return false;
  }
}

/** A place inside the DPO pages to return to (after sign-in, a language change), else the inbox. */
export function dpoReturnPath(value: string | null | undefined): string {
  return value && isPlainReturnPath(value) && /^\/dpo(?:[/?#]|$)/.test(value) ? value : '/dpo';
}

/** Where a signed-out visitor of a DPO page goes: the login, then back (to the page alone when the query is huge). */
export function loginRedirect(url: URL): string {
  const back = [url.pathname + url.search, url.pathname].find((candidate) => candidate.length <= maxReturnPathLength) ?? '/dpo';
  return `/dpo/login?next=${encodeURIComponent(back)}`;
}
