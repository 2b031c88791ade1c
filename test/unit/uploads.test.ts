import { describe, expect, test } from 'vitest';
import { checkUpload, filesOf, readFormPost, safeFileName, uploadKindOf, uploadLimits } from '../../src/lib/uploads.ts';

const pdf = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'latin1');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('uploads are known by their content', () => {
  test('PDF, JSON and CSV are accepted with their real type, whatever the name says', () => {
    expect(checkUpload('contract.txt', pdf)).toMatchObject({ ok: true, file: { kind: 'pdf', mediaType: 'application/pdf', name: 'contract.pdf' } });
    expect(checkUpload('data.csv', Buffer.from('{"invoices":[1,2]}'))).toMatchObject({ ok: true, file: { kind: 'json', name: 'data.json' } });
    expect(checkUpload('tickets', Buffer.from('\uFEFFopened;subject\n2026-01-02;Αλλαγή κωδικού\n'))).toMatchObject({
      ok: true,
      file: { kind: 'csv', name: 'tickets.csv' },
    });
  });

  test('a PNG renamed .pdf, JSON that does not parse, text with a NUL byte and plain prose are refused', () => {
    expect(checkUpload('scan.pdf', png)).toEqual({ ok: false, problem: 'type' });
    expect(uploadKindOf(Buffer.from('{"a": '))).toBeUndefined();
    expect(checkUpload('x.csv', Buffer.from('a,b\n1,\u00002\n'))).toEqual({ ok: false, problem: 'type' });
    expect(checkUpload('notes.csv', Buffer.from('just a sentence\n'))).toEqual({ ok: false, problem: 'type' });
    expect(checkUpload('latin1.csv', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0xfe]))).toEqual({ ok: false, problem: 'type' });
  });

  test('an empty file and one over the limit are refused as such', () => {
    expect(checkUpload('empty.csv', Buffer.alloc(0))).toEqual({ ok: false, problem: 'empty' });
    const big = Buffer.concat([pdf, Buffer.alloc(uploadLimits.fileBytes)]);
    expect(checkUpload('big.pdf', big)).toEqual({ ok: false, problem: 'tooLarge' });
  });

  test('names lose folders, control characters and their claimed extension', () => {
    expect(safeFileName('../../etc/passwd', 'csv')).toBe('passwd.csv');
    expect(safeFileName('C:\\Users\\x\\Σύμβαση "2026"\r\n.pdf', 'pdf')).toBe('Σύμβαση 2026.pdf');
    expect(safeFileName('...', 'json')).toBe('file.json');
    expect(safeFileName('a'.repeat(300), 'pdf')).toHaveLength(114);
  });
});

describe('form posts with files', () => {
  // As a browser sends it: the encoded body in one piece, with its boundary in Content-Type.
  const post = async (form: FormData) => {
    const encoded = new Response(form);
    const type = encoded.headers.get('content-type') ?? '';
    return new Request('http://portal.test/x', { method: 'POST', body: new Uint8Array(await encoded.arrayBuffer()), headers: { 'content-type': type } });
  };

  test('reads the fields and files of a multipart post, leaving out an empty file input', async () => {
    const form = new FormData();
    form.set('note', 'Δύο αρχεία');
    form.append('file', new Blob([pdf]), 'a.pdf');
    form.append('file', new Blob([]), '');
    const read = await readFormPost(await post(form));
    expect(read?.get('note')).toBe('Δύο αρχεία');
    const files = await filesOf(read as FormData, 'file');
    expect(files.map((file) => [file.name, file.content.byteLength])).toEqual([['a.pdf', pdf.byteLength]]);
  });

  test('a post over the limit, or one that is not a form, reads as nothing', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(2048)]), 'a.pdf');
    expect(await readFormPost(await post(form), 1024)).toBeUndefined();
    const json = new Request('http://portal.test/x', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(await readFormPost(json)).toBeUndefined();
  });
});
