import { readCappedBody } from '../lib/capped-body.ts';
import type { z } from 'zod';

/** A JSON error an API client can act on: a stable code, a readable message, and field issues when relevant. */
export function jsonError(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: HeadersInit = {}): Response {
  return Response.json({ error: { code, message, ...extra } }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

/**
 * Reads a request body as text, refusing more than `limit` bytes without reading further (413), whatever
 * Content-Length claims.
 */
export async function readBodyText(request: Request, limit: number): Promise<{ text: string } | { response: Response }> {
  const body = await readCappedBody(request.body, request.headers.get('content-length'), limit);
  if (!body) return { response: jsonError(413, 'too_large', `The body may be at most ${limit} bytes.`) };
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(body) };
}

/** The fields of a small url-encoded form post; none when the body is over `limit` bytes. */
export async function readFormFields(request: Request, limit: number): Promise<URLSearchParams> {
  const body = await readBodyText(request, limit);
  return new URLSearchParams('text' in body ? body.text : '');
}

/** Parses JSON text, or answers 400 with a clear message. */
export function parseJson(text: string): { value: unknown } | { response: Response } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { response: jsonError(400, 'malformed_json', 'The body is not valid JSON.') };
  }
}

/**
 * `Cache-Control` of a page every first-time visitor gets alike (a privacy notice, its history, the start page): the
 * portal's page cache may keep it (src/lib/page-cache.ts), browsers revalidate it each time. Set by the page itself;
 * the middleware makes it `private` when the visitor's request could have changed the page (a cookie, GPC, a query).
 */
export const sharedPageCacheControl = 'public, no-cache';
