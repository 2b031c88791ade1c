import { createHash } from 'node:crypto';
import { readCappedBody } from './capped-body.ts';

// Files people send the portal: an owner's data for a task, a DPO's attachment to an answer. Each is checked by its
// content (never by its name or the type the browser claims) and by size, and named safely before it is stored.

export const uploadKinds = ['pdf', 'json', 'csv', 'jpeg', 'png'] as const;
export type UploadKind = (typeof uploadKinds)[number];
export const mediaTypes: Record<UploadKind, string> = {
  pdf: 'application/pdf',
  json: 'application/json',
  csv: 'text/csv',
  jpeg: 'image/jpeg',
  png: 'image/png',
};
/** What an owner's or the DPO's upload may be: data and documents. */
export const dataUploadKinds: readonly UploadKind[] = ['pdf', 'json', 'csv'];
/** What a requester may send with an answer: a document or a scan or photo of one. */
export const requesterUploadKinds: readonly UploadKind[] = ['pdf', 'jpeg', 'png'];

/** At most this much per file, and per post (a few files and the form's fields). */
export const uploadLimits = { fileBytes: 5 * 1024 * 1024, postBytes: 10 * 1024 * 1024 } as const;

export interface CheckedUpload {
  name: string;
  kind: UploadKind;
  mediaType: string;
  size: number;
  sha256: string;
  content: Buffer;
}
export type UploadProblem = 'empty' | 'tooLarge' | 'type';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const text = (content: Buffer): string | undefined => {
  try {
    return utf8.decode(content);
  } catch {
    return undefined;
  }
};

/** What the bytes are, of the kinds accepted, or undefined. */
export function uploadKindOf(content: Buffer): UploadKind | undefined {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (content.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'jpeg';
  if (content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  const decoded = text(content);
  if (decoded === undefined || decoded.includes('\u0000')) return undefined;
  const body = decoded.replace(/^\uFEFF/, '');
  try {
    JSON.parse(body);
    return 'json';
  } catch {
    // not JSON; perhaps CSV
  }
  const header = body.split(/\r?\n/, 1)[0] ?? '';
  return /[,;\t]/.test(header) && header.trim().length > 0 ? 'csv' : undefined;
}

/**
 * A name safe to store and to put in a zip and a Content-Disposition: no folders, no control characters, at most
 * 120 characters, and the extension of what the file really is.
 */
export function safeFileName(given: string, kind: UploadKind): string {
  const base = (given.split(/[\\/]/).pop() ?? '')
    .normalize('NFC')
    .split('')
    .filter((character) => character.charCodeAt(0) > 0x1f && character.charCodeAt(0) !== 0x7f && !'"*:<>?|'.includes(character))
    .join('')
    .replace(/\.[^.]*$/, '')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 110);
  return `${base || 'file'}.${kind}`;
}

/** Checks one uploaded file: its kind by content (of `accepted`), its size; the stored form on success. */
export function checkUpload(
  name: string,
  content: Buffer,
  accepted: { kinds: readonly UploadKind[]; maxBytes: number } = { kinds: dataUploadKinds, maxBytes: uploadLimits.fileBytes },
): { ok: true; file: CheckedUpload } | { ok: false; problem: UploadProblem } {
  if (content.byteLength === 0) return { ok: false, problem: 'empty' };
  if (content.byteLength > accepted.maxBytes) return { ok: false, problem: 'tooLarge' };
  const kind = uploadKindOf(content);
  if (!kind || !accepted.kinds.includes(kind)) return { ok: false, problem: 'type' };
  return {
    ok: true,
    file: {
      name: safeFileName(name, kind),
      kind,
      mediaType: mediaTypes[kind],
      size: content.byteLength,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
    },
  };
}

/**
 * Reads a multipart (or url-encoded) form post of at most `limit` bytes without reading further: undefined when it
 * is larger or not a form, whatever Content-Length claimed.
 */
export async function readFormPost(request: Request, limit: number = uploadLimits.postBytes): Promise<FormData | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(type)) return undefined;
  const body = await readCappedBody(request.body, request.headers.get('content-length'), limit);
  if (!body) return undefined;
  try {
    return await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
  } catch {
    return undefined;
  }
}

/** The files a form post holds under `field` (empty file inputs, which browsers send as a nameless empty part, left out). */
export async function filesOf(form: FormData, field: string): Promise<{ name: string; content: Buffer }[]> {
  const files: { name: string; content: Buffer }[] = [];
  for (const value of form.getAll(field)) {
    if (typeof value === 'string') continue;
    if (value.size === 0 && value.name === '') continue;
    files.push({ name: value.name, content: Buffer.from(await value.arrayBuffer()) });
  }
  return files;
}
