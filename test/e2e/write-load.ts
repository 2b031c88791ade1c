// Writes kept going against a running portal, as visitors would send them, for the tests that stop, kill or back up
// the portal under load: what was answered (and when), and what got no answer at all.

export interface Answered {
  id: string;
  /** performance.now() when the request was sent, and when its 201 arrived. */
  sentAt: number;
  answeredAt: number;
}

export interface WriteLoad {
  /** Writes answered 201, in the order their answers arrived. */
  readonly answered: Answered[];
  /** Requests that got no answer at all (connection refused or cut), with when they were sent. */
  readonly unanswered: { sentAt: number }[];
  /** Requests answered with any other status. */
  readonly refused: number[];
  /** Sends no more, and resolves once the requests under way have settled. */
  stop(): Promise<void>;
}

/**
 * Keeps `inFlight` writes under way at all times. `post` resolves to the record's id when answered 201, to the status
 * otherwise, and rejects when there is no answer.
 */
export function keepPosting(post: () => Promise<string | number>, inFlight: number): WriteLoad {
  const load = { answered: [] as Answered[], unanswered: [] as { sentAt: number }[], refused: [] as number[] };
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      const sentAt = performance.now();
      try {
        const outcome = await post();
        if (typeof outcome === 'string') load.answered.push({ id: outcome, sentAt, answeredAt: performance.now() });
        else load.refused.push(outcome);
      } catch {
        load.unanswered.push({ sentAt });
        // A portal that is gone refuses at once: no busy loop while the test notices.
        await new Promise((wait) => setTimeout(wait, 20));
      }
    }
  };
  const workers = Array.from({ length: inFlight }, worker);
  return {
    ...load,
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

/** Resolves once `condition` holds; fails the test after `seconds`. */
export async function until(condition: () => boolean, what: string, seconds = 30): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Still waiting after ${seconds} s for ${what}`);
    await new Promise((wait) => setTimeout(wait, 25));
  }
}

/** The revision the demo site's banner asks visitors to agree to. */
export async function bannerRevision(baseURL: string): Promise<string> {
  return ((await (await fetch(`${baseURL}/api/consent/config?site=demo&lang=nl`)).json()) as { revision: string }).revision;
}

/** A visitor refusing cookies on the demo site, as its banner posts it: the consent id when answered 201, else the status. */
export async function postRefusal(baseURL: string, revision: string): Promise<string | number> {
  const response = await fetch(`${baseURL}/api/consent`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Origin: 'http://localhost:4322' },
    body: JSON.stringify({
      site: 'demo',
      action: 'reject-all',
      source: 'banner',
      locale: 'nl',
      revision,
      bannerVersion: '1',
      choices: { preferences: false, analytics: false, marketing: false },
    }),
  });
  return response.status === 201 ? ((await response.json()) as { consentId: string }).consentId : response.status;
}

let requester = 0;

/** An access request through the request API, each from a new address: its reference when answered 201, else the status. */
export async function postAccessRequest(baseURL: string): Promise<string | number> {
  requester += 1;
  const response = await fetch(`${baseURL}/api/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'access', locale: 'nl', name: 'Load Test', email: `load-${requester}@example.org`, declaration: true }),
  });
  return response.status === 201 ? ((await response.json()) as { reference: string }).reference : response.status;
}
