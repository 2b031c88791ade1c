import { diffWords } from 'diff';
import { Lexer, type Token, type Tokens } from 'marked';
import { intlTags, type Locale } from './locale.ts';
import type { PolicyText } from './policy.ts';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface SectionDiff {
  key: string;
  heading: string;
  /** `added`/`removed`: the section exists in one version only; `changed`: its words differ. */
  status: 'unchanged' | 'changed' | 'added' | 'removed';
  parts: DiffPart[];
}

/**
 * Compares two versions of a document in one locale, section by section (paired by their stable keys), word by word.
 * Words are found with Intl.Segmenter for the locale, so Greek and Cyrillic words change as whole words.
 */
export function diffPolicyTexts(from: PolicyText, to: PolicyText, locale: Locale): SectionDiff[] {
  const segmenter = new Intl.Segmenter(intlTags[locale], { granularity: 'word' });
  const keys = mergeKeys(
    from.sections.map((section) => section.key),
    to.sections.map((section) => section.key),
  );
  return keys.map((key) => {
    const before = from.sections.find((section) => section.key === key);
    const after = to.sections.find((section) => section.key === key);
    const beforeText = before ? markdownToPlainText(before.markdown) : '';
    const afterText = after ? markdownToPlainText(after.markdown) : '';
    const heading = after?.heading ?? before?.heading ?? key;
    if (!before) return { key, heading, status: 'added', parts: [{ kind: 'added', text: afterText }] };
    if (!after) return { key, heading, status: 'removed', parts: [{ kind: 'removed', text: beforeText }] };
    const parts: DiffPart[] = diffWords(beforeText, afterText, { intlSegmenter: segmenter }).map((change) => ({
      kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
      text: change.value,
    }));
    const status = parts.some((part) => part.kind !== 'same') || before.heading !== after.heading ? 'changed' : 'unchanged';
    return { key, heading, status, parts };
  });
}

/** Keys of both versions in reading order: the new version's order, removed sections after their predecessor. */
function mergeKeys(before: readonly string[], after: readonly string[]): string[] {
  const merged = [...after];
  before.forEach((key, index) => {
    if (merged.includes(key)) return;
    const predecessor = before[index - 1];
    const at = predecessor === undefined ? 0 : merged.indexOf(predecessor) + 1;
    merged.splice(at, 0, key);
  });
  return merged;
}

/** The readable text of Markdown: one block per paragraph, list item, heading or table row, separated by newlines. */
export function markdownToPlainText(markdown: string): string {
  return blocksOf(new Lexer().lex(markdown)).join('\n');
}

function blocksOf(tokens: readonly Token[]): string[] {
  return tokens.flatMap((token): string[] => {
    switch (token.type) {
      case 'paragraph':
      case 'heading':
        return [inlineText((token as Tokens.Paragraph).tokens)];
      case 'list':
        return (token as Tokens.List).items.map((item) => `• ${blocksOf(item.tokens).join(' ')}`);
      case 'table': {
        const table = token as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inlineText(cell.tokens)).join(' | ');
        return [row(table.header), ...table.rows.map(row)];
      }
      case 'blockquote':
        return blocksOf((token as Tokens.Blockquote).tokens);
      case 'text':
        return [inlineText((token as Tokens.Text).tokens ?? [token])];
      default:
        return [];
    }
  });
}

function inlineText(tokens: readonly Token[] | undefined): string {
  return (tokens ?? [])
    .map((token) => {
      if ('tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0) return inlineText(token.tokens);
      if (token.type === 'br') return ' ';
      return 'text' in token && typeof token.text === 'string' ? token.text : '';
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
