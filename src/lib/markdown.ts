import { Marked } from 'marked';

const marked = new Marked({ gfm: true, async: false });

// The policy texts are a fixed set read from `content/`, and every policy page shows the same sections again: each is
// parsed once. The cap only guards against an unexpected caller; the texts of all versions fit many times over.
const rendered = new Map<string, string>();
const renderedLimit = 2_000;

/** HTML for trusted Markdown from `content/` (never for visitor input). */
export function renderMarkdown(markdown: string): string {
  let html = rendered.get(markdown);
  if (html === undefined) {
    html = marked.parse(markdown, { async: false });
    if (rendered.size >= renderedLimit) rendered.clear();
    rendered.set(markdown, html);
  }
  return html;
}
