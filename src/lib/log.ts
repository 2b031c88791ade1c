// The portal's log: one JSON object per line on stdout (time, level, message, fields), for a log shipper to parse.
// Personal data never goes in: no email or IP addresses, names, user agents, tokens or links carrying them. Fields
// name things by what an operator may see (a request reference, a site id, a file path, the kind of an error).

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined | readonly string[]>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  write?: (line: string) => void;
  now?: () => number;
}

/** A logger writing one JSON line per event; `write` and `now` are for tests. */
export function createLogger({ write = (line) => process.stdout.write(`${line}\n`), now = Date.now }: LoggerOptions = {}): Logger {
  const event =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) =>
      write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg: message, ...fields }));
  return { info: event('info'), warn: event('warn'), error: event('error') };
}

/** The portal process's log. */
export const log: Logger = createLogger();
