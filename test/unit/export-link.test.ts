import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { checkExportLink, checkFileLink, exportLinkQuery, fileLinkQuery } from '../../src/lib/export-link.ts';

const secret = 'a-portal-secret-of-at-least-32-characters';
const reference = 'DSR-2026-7KQ4M2';
const until = Date.UTC(2026, 11, 14, 12);
const params = (query: string) => {
  const search = new URLSearchParams(query);
  return { until: search.get('until'), sig: search.get('sig') };
};

describe('exportLinkQuery()', () => {
  test('signs "export-download", the reference, the export and the time with HMAC-SHA256 in base64url', () => {
    const expected = createHmac('sha256', secret).update(`export-download\n${reference}\n7\n${until}`).digest('base64url');
    expect(exportLinkQuery(secret, reference, 7, until)).toBe(`until=${until}&sig=${expected}`);
  });
});

describe('checkExportLink()', () => {
  const query = params(exportLinkQuery(secret, reference, 7, until));

  test('opens the download until the time the link names, that millisecond included', () => {
    expect(checkExportLink(secret, reference, 7, query, until - 60_000)).toEqual({ ok: true, until });
    expect(checkExportLink(secret, reference, 7, query, until)).toEqual({ ok: true, until });
  });

  test('says expired once that time has passed', () => {
    expect(checkExportLink(secret, reference, 7, query, until + 1)).toEqual({ ok: false, problem: 'expired' });
  });

  test('refuses a later until, another export, another request, another secret, or a file link', () => {
    const now = until - 1000;
    expect(checkExportLink(secret, reference, 7, { ...query, until: String(until + 7 * 86_400_000) }, now)).toEqual({ ok: false, problem: 'wrong' });
    expect(checkExportLink(secret, reference, 8, query, now)).toEqual({ ok: false, problem: 'wrong' });
    expect(checkExportLink(secret, 'DSR-2026-7KQ4M3', 7, query, now)).toEqual({ ok: false, problem: 'wrong' });
    expect(checkExportLink('another-portal-secret-of-32-characters!!', reference, 7, query, now)).toEqual({ ok: false, problem: 'wrong' });
    expect(checkExportLink(secret, reference, 7, params(fileLinkQuery(secret, reference, 7, until)), now)).toEqual({ ok: false, problem: 'wrong' });
  });

  test('refuses a missing, malformed or altered signature or time', () => {
    const now = until - 1000;
    const altered = `${query.sig?.slice(0, -1)}${query.sig?.endsWith('A') ? 'B' : 'A'}`;
    for (const given of [
      { until: null, sig: query.sig },
      { until: query.until, sig: null },
      { until: '1e15', sig: query.sig },
      { until: `${query.until}.0`, sig: query.sig },
      { until: query.until, sig: altered },
      { until: query.until, sig: `${query.sig}=` },
      { until: query.until, sig: 'x'.repeat(500) },
    ]) {
      expect(checkExportLink(secret, reference, 7, given, now)).toEqual({ ok: false, problem: 'wrong' });
    }
  });
});

describe('checkFileLink()', () => {
  test('opens the file its link was signed for, and only that one', () => {
    const query = params(fileLinkQuery(secret, reference, 3, until));
    expect(checkFileLink(secret, reference, 3, query, until - 1)).toEqual({ ok: true, until });
    expect(checkFileLink(secret, reference, 4, query, until - 1)).toEqual({ ok: false, problem: 'wrong' });
    expect(checkFileLink(secret, reference, 3, query, until + 1)).toEqual({ ok: false, problem: 'expired' });
  });
});
