import { floodKey } from '../lib/visitor-address.ts';

/**
 * The key flood limits count this visitor by. The portal's server (scripts/start.ts) puts the visitor's address in
 * `locals`, seen through the trusted proxies; without it (`astro dev`) the connection's own address is used.
 */
export function visitorFloodKey(context: { locals: App.Locals; clientAddress: string }): string {
  return floodKey(context.locals.visitorAddress ?? context.clientAddress);
}
