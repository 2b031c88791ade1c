import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { urlEncode } from '../support/hostile-strings.ts';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** A url-encoded form body (sent as a browser does: lone surrogates become U+FFFD). */
  form?: Record<string, string | undefined> | [string, string][];
  json?: unknown;
  /** The loopback address to send from (each has its own rate limits and sign-in throttle). */
  from?: string;
}

function formBody(form: NonNullable<SendOptions['form']>): string {
  const entries = Array.isArray(form) ? form : Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.map(([key, value]) => `${urlEncode(key)}=${urlEncode(value)}`).join('&');
}

/** A raw HTTP request to `base` (fetch would normalise the path, refuse some bodies and cannot pick its source address). */
export function sendRaw(base: string, method: string, path: string, options: SendOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: Buffer | undefined;
  if (options.form !== undefined) {
    body = Buffer.from(formBody(options.form), 'utf8');
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json), 'utf8');
    headers['Content-Type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  }
  if (body) headers['Content-Length'] = String(body.length);
  const url = new URL(base);
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = httpRequest({ host: url.hostname, port: url.port, method, path, headers, localAddress: options.from }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // Node's server answers a request line and headers over 16 KB with 431 and closes the connection; a client
      // still sending may see the reset instead. Only long generated URLs get there.
      const sent = path.length + Object.entries(headers).reduce((total, [name, value]) => total + name.length + value.length + 4, 0);
      if (sent > 16 * 1024 && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) resolve({ status: 431, headers: {}, body: '' });
      else reject(error);
    });
    outgoing.end(body);
  });
}
