// The baseline for the policy page in `npm run bench`: a plain node:http server answering every GET with the same
// HTML bytes (BENCH_HTML_PATH), read once into memory, with a content type and length and nothing else.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BENCH_HTML_PATH ?? '');
createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
  response.end(request.method === 'HEAD' ? undefined : body);
}).listen(Number(process.env.PORT ?? 0), '127.0.0.1', function (this: import('node:net').Server) {
  const address = this.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
