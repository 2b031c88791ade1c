import { readCappedBody } from '../capped-body.ts';
import { newToken } from '../marketing.ts';
import { readWebhookAnswer } from './webhook-answer.ts';
import { signBody } from './webhook-signature.ts';
import type { AttemptOutcome, Connector, TaskContext, TaskError } from './tasks.ts';

// The `webhook` channel: the task as a signed JSON message to the system's HTTPS endpoint (see the README's webhook
// protocol). The system answers with the data at once (200) or takes it (202) and posts its result later to the
// callback, with the single-use token this message carries (only its hash is kept).

export interface WebhookConnectorOptions {
  fetchImpl?: typeof fetch;
  /** How long the callback token stays valid; a system that answers later than that must be retried. */
  tokenLifetimeMs?: number;
}

/** The requester's own words, passed on to a system that must act on them (rectification, restriction, objection). */
const forwardedFields = ['details', 'inaccurateData', 'correctData', 'scope', 'grounds'] as const;

/** The message a task sends, as the protocol names its fields. */
export function webhookMessage(context: TaskContext, callback: { url: string; token: string; expiresAt: number }) {
  const { task, request } = context;
  const text = Object.fromEntries(forwardedFields.flatMap((field) => (request[field] ? [[field, request[field]]] : [])));
  return {
    version: 1,
    task: task.id,
    action: task.action,
    request: { reference: request.reference, type: request.type, dueOn: task.dueOn, locale: request.locale },
    identifiers: context.identifiers,
    ...(task.action === 'forward' || task.action === 'restrict' ? { text } : {}),
    callback: { url: callback.url, token: callback.token, expiresAt: new Date(callback.expiresAt).toISOString() },
    sentAt: new Date(context.now).toISOString(),
  };
}

const failed = (error: TaskError, retryable: boolean): AttemptOutcome => ({ kind: 'failed', error, retryable });

/** The answer's text, or undefined when it is larger than `maxBytes` (the rest is not read). */
async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  return (await readCappedBody(response.body, response.headers.get('content-length'), maxBytes))?.toString('utf8');
}

export function webhookConnector(options: WebhookConnectorOptions = {}): Connector {
  const fetchImpl = options.fetchImpl ?? fetch;
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 24 * 60 * 60 * 1000;
  return async (context) => {
    const system = context.system;
    if (system?.kind !== 'webhook') return failed({ code: 'unreachable', detail: 'not a webhook system' }, false);
    const { token, hash } = newToken();
    const expiresAt = context.now + tokenLifetimeMs;
    const body = JSON.stringify(webhookMessage(context, { url: `${context.portalOrigin}/api/tasks/${context.task.id}/result`, token, expiresAt }));
    const timestamp = Math.floor(context.now / 1000);
    let response: Response;
    try {
      response = await fetchImpl(system.connection.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(system.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'X-Portal-Timestamp': String(timestamp),
          'X-Portal-Signature': signBody(system.connection.secret, timestamp, body),
          'X-Portal-Task': String(context.task.id),
        },
        body,
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return failed({ code: 'timeout', detail: `${system.timeoutMs} ms` }, true);
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return failed({ code: 'unreachable', ...(cause ? { detail: cause } : {}) }, true);
    }
    const status = response.status;
    if (status === 202) {
      await response.body?.cancel();
      return { kind: 'waiting', tokenHash: hash, tokenExpiresAt: expiresAt };
    }
    if (status === 401 || status === 403) {
      await response.body?.cancel();
      return failed({ code: 'signatureRejected', detail: `HTTP ${status}` }, false);
    }
    if (status !== 200) {
      await response.body?.cancel();
      // A server error or an overloaded system may pass; a redirect or another refusal needs someone to look.
      return failed({ code: 'httpStatus', detail: `HTTP ${status}` }, status >= 500 || status === 429);
    }
    let text: string | undefined;
    try {
      text = await readCapped(response, system.maxBytes);
    } catch (error) {
      const name = (error as Error).name;
      return name === 'TimeoutError' || name === 'AbortError'
        ? failed({ code: 'timeout', detail: `${system.timeoutMs} ms` }, true)
        : failed({ code: 'unreachable' }, true);
    }
    if (text === undefined) return failed({ code: 'tooLarge', detail: `more than ${system.maxBytes} bytes` }, false);
    const answer = readWebhookAnswer(text, context.task.action, context.now);
    if (!answer.ok) return failed({ code: 'badAnswer', ...(answer.problem === 'refused' ? { detail: answer.detail.slice(0, 300) } : {}) }, false);
    return { kind: 'done', result: answer.result };
  };
}
