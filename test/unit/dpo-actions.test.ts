import { describe, expect, test } from 'vitest';
import { actionProblems, dpoActionSchema, toRequestAction } from '../../src/lib/dpo-actions.ts';

const problems = (fields: Record<string, string>) => {
  const parsed = dpoActionSchema.safeParse(fields);
  return parsed.success ? [] : actionProblems(parsed.error);
};

describe('the DPO action forms', () => {
  test('an extension needs 1 or 2 whole months and a reason', () => {
    expect(problems({ action: 'extend', months: '1', extendReason: 'Backups on tape' })).toEqual([]);
    expect(problems({ action: 'extend', months: '2', extendReason: 'Backups on tape' })).toEqual([]);
    for (const months of ['0', '3', '14', '60', '-1', '1.5', 'two', '', '1e0']) {
      expect(problems({ action: 'extend', months, extendReason: 'x' }), months).toEqual([{ field: 'months', problem: 'months' }]);
    }
    expect(problems({ action: 'extend', months: '2', extendReason: '   ' })).toEqual([{ field: 'extendReason', problem: 'reason' }]);
    expect(problems({ action: 'extend' })).toEqual([
      { field: 'months', problem: 'months' },
      { field: 'extendReason', problem: 'reason' },
    ]);
  });

  test('a completion and a rejection need their text, within its limit', () => {
    expect(problems({ action: 'complete', message: '' })).toEqual([{ field: 'message', problem: 'reason' }]);
    expect(problems({ action: 'reject', rejectReason: 'x'.repeat(5001) })).toEqual([{ field: 'rejectReason', problem: 'tooLong', max: 5000 }]);
  });

  test('an answer that still has a template gap "[… …]" is refused: the requester would receive it', () => {
    expect(problems({ action: 'complete', message: 'We hebben [… welke gegevens] gerectificeerd.' })).toEqual([{ field: 'message', problem: 'gap' }]);
    expect(problems({ action: 'reject', rejectReason: 'Powód: [… powód]' })).toEqual([{ field: 'rejectReason', problem: 'gap' }]);
    expect(problems({ action: 'extend', months: '1', extendReason: '[… waarom]. Artikel 12, lid 3, AVG' })).toEqual([
      { field: 'extendReason', problem: 'gap' },
    ]);
    // A quotation's omission "[…]" is not a gap; a note to oneself is not sent and may keep one.
    expect(problems({ action: 'complete', message: 'Zoals je schreef: „[…] graag alles”.' })).toEqual([]);
    expect(problems({ action: 'note', text: 'Answer: [… still to check]' })).toEqual([]);
  });

  test('an erasure must be confirmed; an identity check must say how', () => {
    expect(problems({ action: 'erase' })).toEqual([{ field: 'confirm', problem: 'confirm' }]);
    expect(problems({ action: 'erase', confirm: 'yes' })).toEqual([]);
    expect(problems({ action: 'verify', method: 'a guess' })).toEqual([{ field: 'method', problem: 'method' }]);
  });

  test('linking a consent id needs the DPO to say they checked it; their note stays optional', () => {
    expect(problems({ action: 'link' })).toEqual([{ field: 'checked', problem: 'checked' }]);
    expect(problems({ action: 'link', checked: 'on' })).toEqual([{ field: 'checked', problem: 'checked' }]);
    expect(problems({ action: 'link', checked: 'yes' })).toEqual([]);
    expect(problems({ action: 'link', checked: 'yes', linkNote: 'x'.repeat(2001) })).toEqual([{ field: 'linkNote', problem: 'tooLong', max: 2000 }]);
    expect(toRequestAction(dpoActionSchema.parse({ action: 'link', checked: 'yes', linkNote: ' Receipt compared ' }), 'Europe/Warsaw')).toEqual({
      action: 'link',
      note: 'Receipt compared',
    });
    expect(toRequestAction(dpoActionSchema.parse({ action: 'link', checked: 'yes', linkNote: '' }), 'Europe/Warsaw')).toEqual({ action: 'link' });
  });

  test('an unknown action is named as such', () => {
    expect(problems({ action: 'delete-everything' })).toEqual([{ field: 'action', problem: 'action' }]);
    expect(problems({})).toEqual([{ field: 'action', problem: 'action' }]);
  });

  test('a valid form becomes the workflow action with what it needs', () => {
    expect(toRequestAction(dpoActionSchema.parse({ action: 'extend', months: ' 2 ', extendReason: ' Many systems ' }), 'Europe/Warsaw')).toEqual({
      action: 'extend',
      months: 2,
      reason: 'Many systems',
      timeZone: 'Europe/Warsaw',
    });
    expect(toRequestAction(dpoActionSchema.parse({ action: 'verify', method: 'identity-document', verifyNote: '' }), 'UTC')).toEqual({
      action: 'verify',
      method: 'identity-document',
    });
  });
});
