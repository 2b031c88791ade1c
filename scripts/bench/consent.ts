// `npm run bench:consent`: the consent POST rows of `npm run bench` alone (SQLite; PostgreSQL with one and two
// instances when a server answers), portal and bare insert in alternating rounds. Not a test: figures vary.
import { consentRows } from './consent-rows.ts';
import { printTable } from './table.ts';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const rows = await consentRows({ connections, seconds, rounds });
console.log(`\nConsent POSTs, ${connections} connections, ${rounds} alternating rounds of ${seconds} s each (warm-up excluded):\n`);
printTable(rows);
