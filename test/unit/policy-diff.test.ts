import { describe, expect, test } from 'vitest';
import { diffPolicyTexts, markdownToPlainText } from '../../src/lib/policy-diff.ts';
import type { PolicyText } from '../../src/lib/policy.ts';

function text(sections: Record<string, string>): PolicyText {
  return {
    document: 'privacy-notice',
    version: 1,
    locale: 'el',
    title: 't',
    effective: '2025-05-25',
    summary: 's',
    intro: '',
    sections: Object.entries(sections).map(([key, markdown]) => ({ key, heading: key, markdown })),
    textHash: '',
  };
}

describe('diffPolicyTexts()', () => {
  test('marks whole Greek words, not letters', () => {
    const [retention] = diffPolicyTexts(
      text({ retention: 'Τα αρχεία καταγραφής τηρούνται για 90 ημέρες.' }),
      text({ retention: 'Τα αρχεία καταγραφής διαγράφονται μετά από 30 ημέρες.' }),
      'el',
    );
    expect(retention?.status).toBe('changed');
    const removed = retention?.parts.filter((part) => part.kind === 'removed').map((part) => part.text.trim());
    const added = retention?.parts.filter((part) => part.kind === 'added').map((part) => part.text.trim());
    expect(removed?.join(' ')).toBe('τηρούνται για 90');
    expect(added?.join(' ')).toBe('διαγράφονται μετά από 30');
  });

  test('marks whole Cyrillic words', () => {
    const [section] = diffPolicyTexts(text({ a: 'Съхраняваме журналите 90 дни.' }), text({ a: 'Съхраняваме журналите 30 дни.' }), 'bg');
    expect(section?.parts).toEqual([
      { kind: 'same', text: 'Съхраняваме журналите ' },
      { kind: 'removed', text: '90' },
      { kind: 'added', text: '30' },
      { kind: 'same', text: ' дни.' },
    ]);
  });

  test('pairs sections by key and reports added, removed and unchanged ones in reading order', () => {
    const sections = diffPolicyTexts(text({ a: 'x', b: 'old', c: 'z' }), text({ a: 'x', c: 'z', d: 'new' }), 'pl');
    expect(sections.map((section) => [section.key, section.status])).toEqual([
      ['a', 'unchanged'],
      ['b', 'removed'],
      ['c', 'unchanged'],
      ['d', 'added'],
    ]);
  });
});

describe('markdownToPlainText()', () => {
  test('keeps the words of paragraphs, lists and tables, without Markdown syntax', () => {
    const plain = markdownToPlainText('Some **bold** [link](/pl/consent).\n\n- one\n- two\n\n| a | b |\n|---|---|\n| `c` | d |');
    expect(plain).toBe('Some bold link.\n• one\n• two\na | b\nc | d');
  });
});
