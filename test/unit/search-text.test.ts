import { describe, expect, test } from 'vitest';
import { nameSearchKey } from '../../src/lib/search-text.ts';

describe('nameSearchKey()', () => {
  test('folds what a DPO may type differently from what the requester wrote', () => {
    expect(nameSearchKey('Ελένη  Γεωργίου')).toBe('ελενη γεωργιου');
    expect(nameSearchKey('ΕΛΕΝΗ ΓΕΩΡΓΙΟΥ')).toBe(nameSearchKey('ελένη γεωργίου'));
    expect(nameSearchKey('Νίκος Παππάς')).toBe('νικοσ παππασ');
    expect(nameSearchKey('Łukasz Wałęsa-Żółć')).toBe('lukasz walesa-zolc');
    expect(nameSearchKey('Николай Йорданов')).toBe(nameSearchKey('николаи иорданов'));
    expect(nameSearchKey('Jeroen van der Meer ')).toBe('jeroen van der meer');
  });
});
