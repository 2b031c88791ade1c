// The round-robin proxy as a process of its own (PROXY_UPSTREAMS: base URLs separated by commas; PORT), so that a
// benchmark's load generator and the proxy do not share one event loop.
import { startRoundRobinProxy } from './round-robin-proxy.ts';

const upstreams = (process.env.PROXY_UPSTREAMS ?? '').split(',').filter(Boolean);
const proxy = await startRoundRobinProxy({ upstreams, port: Number(process.env.PORT ?? 0) });
console.log(`listening ${proxy.port}`);
process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
