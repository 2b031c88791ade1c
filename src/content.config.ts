import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { policyFrontmatterSchema } from './lib/policy.ts';

export const collections = {
  /** content/policies/<document>/<version>/<locale>.md; the id keeps that path so src/lib can read it back. */
  policies: defineCollection({
    loader: glob({
      pattern: '*/*/*.md',
      base: './content/policies',
      generateId: ({ entry }) => entry.replace(/\.md$/, ''),
    }),
    schema: policyFrontmatterSchema,
  }),
};
