import { readEnvironment, type Environment } from '../lib/environment.ts';

let environment: Environment | undefined;

/** The validated process environment, read once. */
export function getEnvironment(): Environment {
  environment ??= readEnvironment(process.env);
  return environment;
}
