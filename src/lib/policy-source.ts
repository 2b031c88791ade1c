import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { policyFrontmatterSchema, toPolicyText, type PolicyText } from './policy.ts';

const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Splits a Markdown file into its validated frontmatter and body. */
export function parsePolicyFile(id: string, source: string) {
  const match = frontmatter.exec(source);
  if (!match) throw new Error(`${id}: missing YAML frontmatter`);
  const parsed = policyFrontmatterSchema.safeParse(parseYaml(match[1] ?? ''));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${id}: invalid frontmatter: ${issues.join('; ')}`);
  }
  return { data: parsed.data, body: match[2] ?? '' };
}

/**
 * Reads every policy text under `content/policies` straight from disk: what the start-up script records in the
 * database and what the content tests check. The pages read the same files through Astro's content collection.
 */
export function readPolicyTexts(policiesDir: string): PolicyText[] {
  return readdirSync(policiesDir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .sort()
    .map((path) => {
      const id = relative(policiesDir, join(policiesDir, path)).split(sep).join('/').replace(/\.md$/, '');
      const { data, body } = parsePolicyFile(id, readFileSync(join(policiesDir, path), 'utf8'));
      return toPolicyText(id, data, body);
    });
}
