// What the operator scripts share on the command line: their arguments, how they stop with a message, who ran them.
import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type Environment, readEnvironment } from '../../src/lib/environment.ts';

/** Prints `message` to stderr and exits 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** The text of an error, for a message. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The validated environment, or exit 1 with every bad variable named (one line each, no stack trace): what an
 * operator reads when a start-up or a script refuses its settings.
 */
export function environmentOrExit(env: NodeJS.ProcessEnv = process.env): Environment {
  try {
    return readEnvironment(env);
  } catch (error) {
    return fail(`Refusing to run: ${errorText(error)}`);
  }
}

/**
 * The environment of a script that works on the SQLite file itself (`verb`: what it does to it); with DATABASE_URL it
 * stops, naming PostgreSQL's own `tools`, instead of touching an unrelated file at DATABASE_PATH.
 */
export function sqliteFileOnly(environment: Environment, verb: string, tools: string): Environment {
  if (environment.DATABASE_URL)
    fail(
      `DATABASE_URL is set: this script ${verb} the SQLite file (DATABASE_PATH). On PostgreSQL use ${tools}, then npm run consent:verify (README: Production).`,
    );
  return environment;
}

/** The command line's options and file arguments; a bad option stops the script with `usage`. */
export function readCommandLine<T extends ParseArgsConfig['options']>(usage: string, options: T) {
  try {
    return parseArgs({ options, allowPositionals: true });
  } catch (error) {
    return fail(`${errorText(error)}\n${usage}`);
  }
}

/** Who runs an operator command, for the audit trail: `cli:<os user>`, or `system:cli` when the system names nobody. */
export function operatorActor(): string {
  try {
    const name = userInfo().username;
    return name ? `cli:${name}` : 'system:cli';
  } catch {
    return 'system:cli';
  }
}
