// The baseline for `npm run bench:consent`: a bare node:http server doing the same better-sqlite3 insert of a consent
// record (same database settings, same table), with none of the portal's validation, origin checks or chaining.
import { createServer } from 'node:http';
import { migrateDatabase, openDatabase } from '../../db/connection.ts';

const db = openDatabase(process.env.DATABASE_PATH ?? ':memory:');
migrateDatabase(db);
const insert = db.$client.prepare(
  `insert into consent_records (consent_id, site_id, origin, recorded_at, action, source, preferences, analytics, marketing,
     locale, policy_document, policy_version, text_hash, banner_version, revision, expires_at, gpc_signal, previous_hash, record_hash)
   values (?, ?, ?, ?, ?, 'banner', ?, ?, ?, ?, 'privacy-notice', 2, ?, ?, ?, ?, 0, ?, ?)`,
);
const zeros = '0'.repeat(64);

createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    if (request.method !== 'POST') {
      response.writeHead(404).end();
      return;
    }
    const decision = JSON.parse(body) as {
      site: string;
      consentId: string;
      action: string;
      locale: string;
      revision: string;
      bannerVersion: string;
      choices: Record<string, boolean>;
    };
    const now = Date.now();
    insert.run(
      decision.consentId,
      decision.site,
      request.headers.origin ?? '',
      now,
      decision.action,
      Number(decision.choices.preferences),
      Number(decision.choices.analytics),
      Number(decision.choices.marketing),
      decision.locale,
      zeros,
      decision.bannerVersion,
      decision.revision,
      now + 1000,
      zeros,
      zeros,
    );
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ consentId: decision.consentId }));
  });
}).listen(Number(process.env.PORT ?? 0), '127.0.0.1', function (this: import('node:net').Server) {
  const address = this.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
