// What both consent baselines share: a bare node:http server that reads the banner's decision and hands it to one
// insert, with none of the portal's validation, origin checks, flood limits or chaining.
import { createServer } from 'node:http';

export interface BareDecision {
  consentId: string;
  site: string;
  origin: string;
  recordedAt: number;
  action: string;
  preferences: boolean;
  analytics: boolean;
  marketing: boolean;
  locale: string;
  bannerVersion: string;
  revision: string;
}

/** Answers every POST with 201 once `insert` has stored its decision; listens on PORT and prints `listening <port>`. */
export function serveConsentInserts(insert: (decision: BareDecision) => void | Promise<void>): void {
  createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      const posted = JSON.parse(body) as Omit<BareDecision, 'origin' | 'recordedAt' | 'preferences' | 'analytics' | 'marketing'> & {
        choices: Record<string, boolean>;
      };
      const decision: BareDecision = {
        ...posted,
        origin: request.headers.origin ?? '',
        recordedAt: Date.now(),
        preferences: posted.choices.preferences === true,
        analytics: posted.choices.analytics === true,
        marketing: posted.choices.marketing === true,
      };
      Promise.resolve(insert(decision)).then(
        () => {
          response.writeHead(201, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ consentId: decision.consentId }));
        },
        () => response.writeHead(503).end(),
      );
    });
  }).listen(Number(process.env.PORT ?? 0), '127.0.0.1', function (this: import('node:net').Server) {
    const address = this.address();
    console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
  });
}
