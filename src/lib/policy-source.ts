import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { buildCatalog, type PolicyCatalog } from './policy-catalog.ts';
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
 * Reads every policy text under `content/policies` straight from disk: the one source of the policy catalogue, which
 * the pages render, the banner's terms name, the start-up records in the database and the content tests check.
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

/** Every policy text under `policiesDir` and the catalogue of versions built from them (checked for parity). */
export function readPolicyCatalog(policiesDir: string): { texts: PolicyText[]; catalog: PolicyCatalog } {
  const texts = readPolicyTexts(policiesDir);
  return { texts, catalog: buildCatalog(texts) };
}
