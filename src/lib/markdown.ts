import { Marked } from 'marked';

const marked = new Marked({ gfm: true, async: false });

/** HTML for trusted Markdown from `content/` (never for visitor input). */
export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}
