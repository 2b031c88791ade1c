import { BlockList, isIP } from 'node:net';

/**
 * Where a visitor connects from, for flood limits only (request submissions, marketing sign-ups, DPO sign-in
 * failures). Addresses stay in memory; none is stored or logged.
 *
 * Behind a reverse proxy every connection comes from the proxy, so all visitors would share one limit. The operator
 * names the proxies in TRUSTED_PROXIES; only then is X-Forwarded-For believed, and only the part the proxies wrote.
 */

/** One TRUSTED_PROXIES entry: an address (`127.0.0.1`, `::1`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
export function isProxyEntry(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

/** The entries of TRUSTED_PROXIES (comma- or space-separated), each checked by `isProxyEntry`. */
export function proxyEntries(list: string | undefined): string[] {
  return (list ?? '').split(/[\s,]+/).filter(Boolean);
}

export function trustedProxies(entries: readonly string[]): BlockList {
  const proxies = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) proxies.addAddress(address, family);
    else proxies.addSubnet(address, Number(prefix), family);
  }
  return proxies;
}

/** `::ffff:192.0.2.7` (how a dual-stack socket reports an IPv4 peer) → `192.0.2.7`; a zone (`%eth0`) is dropped. */
export function plainAddress(address: string): string {
  const bare = address
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  return mapped?.[1] ?? bare;
}

function isTrusted(address: string, proxies: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The visitor's address: the connection's peer, unless that peer is a trusted proxy. Then X-Forwarded-For is read
 * from the right (each proxy appends the address it saw) and the first address that is not a trusted proxy is the
 * visitor; whatever stands further left was written by the client and proves nothing.
 */
export function visitorAddress(peer: string | undefined, forwardedFor: string | readonly string[] | undefined, proxies: BlockList): string {
  let address = plainAddress(peer ?? '');
  if (!isTrusted(address, proxies)) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : String(forwardedFor ?? '')).split(',').map(plainAddress).filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index] ?? '';
    if (isIP(hop) === 0) return address; // a malformed entry: stop at the last address a proxy vouched for
    address = hop;
    if (!isTrusted(hop, proxies)) return hop;
  }
  return address;
}

/**
 * The key a flood limit counts a visitor by: an IPv4 address as it is, an IPv6 address by its /64 network (a home
 * connection or a phone gets a whole /64 and can pick a new address in it at will).
 */
export function floodKey(address: string): string {
  const plain = plainAddress(address);
  if (isIP(plain) !== 6) return plain;
  return `${ipv6Groups(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}
