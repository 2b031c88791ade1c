import { z } from 'zod';

/** The environment variables the portal reads; README lists each one. */
export const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(4321),
  HOST: z.string().min(1).default('localhost'),
  DATABASE_PATH: z.string().min(1).default('./data/portal.db'),
});
export type Environment = z.infer<typeof environmentSchema>;

/** Validates the environment, naming every bad variable at once. */
export function readEnvironment(env: Record<string, string | undefined>): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n- ${problems.join('\n- ')}`);
  }
  return parsed.data;
}
