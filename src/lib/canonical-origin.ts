import { isIP } from 'node:net';

/**
 * The portal answers for one origin only. Every absolute URL it writes (mail links, hreflang, the banner's endpoint)
 * comes from that origin, never from a request's `Host`; a request naming another host is refused before anything is
 * rendered, so no header can make the portal write, route or cache a page as if it were someone else.
 */
export interface PortalHosts {
  /** `https://privacy.example.org`, or `http://localhost:4321` when PUBLIC_URL is unset. */
  origin: string;
  /** Host names (lower case, no port) a request may name: the canonical one, its loopback forms, ALLOWED_HOSTS. */
  names: ReadonlySet<string>;
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** A host name as a request or ALLOWED_HOSTS may give it: a DNS name, an IPv4 address or a bracketed IPv6 address. */
const hostNamePattern = /^(?:\[[0-9a-f:.]{2,45}\]|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*)$/i;

export function isHostName(value: string): boolean {
  if (!hostNamePattern.test(value)) return false;
  return !value.startsWith('[') || isIP(value.slice(1, -1)) === 6;
}

/** The entries of ALLOWED_HOSTS (comma- or space-separated host names, no ports). */
export function allowedHostEntries(list: string | undefined): string[] {
  return (list ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry) => entry.toLowerCase());
}

/** The canonical origin and the host names requests may use, from PUBLIC_URL, PORT and ALLOWED_HOSTS. */
export function portalHosts(settings: { PUBLIC_URL?: string | undefined; PORT: number; ALLOWED_HOSTS: readonly string[] }): PortalHosts {
  const origin = settings.PUBLIC_URL ? new URL(settings.PUBLIC_URL).origin : `http://localhost:${settings.PORT}`;
  const canonical = new URL(origin).hostname.toLowerCase();
  const loopback = loopbackNames.includes(canonical);
  return { origin, names: new Set([canonical, ...(loopback ? loopbackNames : []), ...settings.ALLOWED_HOSTS]) };
}

/**
 * The origins the portal's own pages may be loaded from: the canonical one and, on the same scheme and port, every
 * other host name it answers to (`http://127.0.0.1:4321` beside `http://localhost:4321`). A form post or a banner on
 * one of them is the portal's own.
 */
export function portalOrigins(hosts: PortalHosts): string[] {
  const canonical = new URL(hosts.origin);
  const port = canonical.port ? `:${canonical.port}` : '';
  return [hosts.origin, ...[...hosts.names].filter((name) => name !== canonical.hostname).map((name) => `${canonical.protocol}//${name}${port}`)];
}

export type TargetVerdict = { ok: true; path: string } | { ok: false; status: 400 | 421; reason: string };

/**
 * Checks the `Host` header(s) and the request target of an incoming request, as node:http gives them
 * (`rawHeaders`: name, value, name, value…; `url`: the request line's target). Malformed (400): no Host or several,
 * user info, a path, backslash, spaces, control or non-ASCII characters, a bad port, an absolute-form target naming
 * another host. Well formed but not ours (421 Misdirected Request). On success, the target in origin form.
 */
export function checkRequestTarget(rawHeaders: readonly string[], url: string, hosts: PortalHosts): TargetVerdict {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) if (rawHeaders[index]?.toLowerCase() === 'host') values.push(rawHeaders[index + 1] ?? '');
  if (values.length !== 1) return { ok: false, status: 400, reason: values.length ? 'several Host headers' : 'no Host header' };
  const host = parseHost(values[0] ?? '');
  if (!host) return { ok: false, status: 400, reason: 'malformed Host header' };

  let path = url;
  if (!url.startsWith('/')) {
    if (url === '*') return { ok: false, status: 400, reason: 'asterisk-form target' };
    const absolute = parseAbsoluteTarget(url);
    if (!absolute) return { ok: false, status: 400, reason: 'malformed request target' };
    // The target's authority wins over Host (RFC 9112 3.2.2): it must be one of ours.
    if (!hosts.names.has(absolute.host)) return { ok: false, status: 400, reason: 'the request target names another host' };
    path = absolute.path;
  }
  // Control characters, spaces and backslashes never belong in a target (a proxy or a URL parser may read them as
  // separators); node:http already refuses most of them on the request line.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is this line's purpose
  if (/[\u0000-\u0020\u007f\\]/.test(path)) return { ok: false, status: 400, reason: 'malformed request target' };
  if (!hosts.names.has(host.name)) return { ok: false, status: 421, reason: 'this portal does not answer for that host' };
  return { ok: true, path };
}

/** `Host: name[:port]` with nothing else: no user info, path, query, fragment, spaces or non-ASCII. */
function parseHost(value: string): { name: string; port: string } | undefined {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return undefined;
  const name = (match[1] ?? '').toLowerCase().replace(/\.$/, '');
  const port = match[2] ?? '';
  if (!isHostName(name)) return undefined;
  if (port !== '' && (Number(port) < 1 || Number(port) > 65_535)) return undefined;
  return { name, port };
}

function parseAbsoluteTarget(target: string): { host: string; path: string } | undefined {
  const match = /^https?:\/\/([^/?#]*)([/?][^#]*)?$/i.exec(target);
  if (!match) return undefined;
  const host = parseHost(match[1] ?? '');
  if (!host) return undefined;
  const rest = match[2] ?? '/';
  return { host: host.name, path: rest.startsWith('/') ? rest : `/${rest}` };
}
