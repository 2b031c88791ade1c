import type { APIRoute } from 'astro';

/**
 * 200 while the process is alive and answering: a liveness probe, so it touches no database (a database outage must
 * not get every instance restarted; /readyz takes the instance out of the load balancer instead).
 */
export const GET: APIRoute = () => Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
