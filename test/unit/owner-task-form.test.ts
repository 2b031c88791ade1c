import { describe, expect, test } from 'vitest';
import { readOwnerAnswer } from '../../src/server/owner-task.ts';

// What an owner posts on their task page, read: the answer the task's action allows, the note, each file by content.

function form(fields: Record<string, string>, files: { name: string; content: string | Buffer; type?: string }[] = []): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  for (const file of files)
    data.append(
      'files',
      new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  return data;
}

describe("an owner's answer", () => {
  test('files are checked by what they are: a CSV and a PDF pass with their safe names, a picture called .pdf does not', async () => {
    const read = await readOwnerAnswer(
      form({ answer: 'files', note: '  Two files.  ' }, [
        { name: '../contracts.txt', content: 'contract;signed\nC-1;2024-01-03\n' },
        { name: 'scan.pdf', content: '%PDF-1.4\n%%EOF\n' },
      ]),
      'collect',
    );
    expect(read.ok && read.answer.kind === 'files' && read.answer.files.map((file) => [file.name, file.mediaType])).toEqual([
      ['contracts.csv', 'text/csv'],
      ['scan.pdf', 'application/pdf'],
    ]);
    expect(read.ok && read.answer.note).toBe('Two files.');
    const picture = await readOwnerAnswer(
      form({ answer: 'files', note: 'kept' }, [{ name: 'photo.pdf', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]), type: 'application/pdf' }]),
      'collect',
    );
    expect(picture).toEqual({ ok: false, answer: 'files', note: 'kept', problems: { files: [{ problem: 'type', name: 'photo.pdf' }] } });
  });

  test('no file chosen, an empty file, a missing or too long note are each named for their field', async () => {
    expect(await readOwnerAnswer(form({ answer: 'files', note: '' }), 'collect')).toMatchObject({
      ok: false,
      problems: { files: [{ problem: 'missingFiles' }] },
    });
    expect(await readOwnerAnswer(form({ answer: 'files' }, [{ name: 'a.csv', content: '' }]), 'collect')).toMatchObject({
      ok: false,
      problems: { files: [{ problem: 'empty', name: 'a.csv' }] },
    });
    expect(await readOwnerAnswer(form({ answer: 'nothing', note: '   ' }), 'collect')).toMatchObject({
      ok: false,
      answer: 'nothing',
      problems: { note: 'noteRequired' },
    });
    expect(await readOwnerAnswer(form({ answer: 'confirmed', note: 'x'.repeat(2001) }), 'erase')).toMatchObject({
      ok: false,
      problems: { note: 'noteTooLong' },
    });
    expect(await readOwnerAnswer(form({ answer: 'confirmed', note: 'Erased on 4 December.' }), 'erase')).toEqual({
      ok: true,
      answer: { kind: 'confirmed', note: 'Erased on 4 December.' },
    });
  });

  test('an answer the task does not take, or none, is a problem of the form', async () => {
    expect(await readOwnerAnswer(form({ answer: 'confirmed', note: 'done' }), 'collect')).toMatchObject({ ok: false, problems: { form: 'form' } });
    expect(await readOwnerAnswer(form({ answer: 'nothing', note: 'none' }), 'forward')).toMatchObject({ ok: false, problems: { form: 'form' } });
    expect(await readOwnerAnswer(form({ note: 'done' }), 'erase')).toMatchObject({ ok: false, problems: { form: 'form' } });
  });
});
