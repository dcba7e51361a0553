/**
 * SSRF guard for webhook URLs, an allow-list (only global unicast addresses are dialled). A customer names the URL, so without a guard the gateway could be
 * made to POST into our own network (Redis, the engine, cloud metadata at 169.254.169.254).
 * The host is resolved once, every address is checked, and the connection is pinned to a vetted
 * address, so a DNS answer that changes between the check and the connect (rebinding) cannot win.
 * WHATWG URL parsing already turns numeric hosts (0x7f000001, 2130706433, 017700000001, 127.1) into
 * dotted quads, and IPv4-mapped IPv6 (`[::ffff:127.0.0.1]`) is checked against the IPv4 ranges.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';

// An allow-list: an address is dialled only if it is global unicast. IPv4: anything outside the
// special-purpose ranges below (IANA's special-purpose registry: none of them is globally routed to
// a customer). IPv6: only 2000::/3 (global unicast), minus its special and tunnelling blocks, whose
// embedded IPv4 (6to4, Teredo) or translation (NAT64) could land inside. Everything else, including
// IPv4-compatible `::a.b.c.d`, site-local fec0::/10 and anything unassigned, is refused.
const notGlobal4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches localhost on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  notGlobal4.addSubnet(net, prefix, 'ipv4');

const global6 = new BlockList();
global6.addSubnet('2000::', 3, 'ipv6');
const notGlobal6 = new BlockList();
for (const [net, prefix] of [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, ORCHID, benchmarking, ...
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: the IPv4 inside may be private
  ['3fff::', 20], // documentation
] as const)
  notGlobal6.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` or `::ffff:7f00:1`). */
function mappedIpv4(ip: string): string | undefined {
  const m = /^::ffff:(?:0:)?(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

const isGlobal4 = (ip: string) => !notGlobal4.check(ip, 'ipv4');

/**
 * True unless the address is global unicast: loopback, private, link-local, CGNAT, multicast,
 * documentation, tunnelled or translated (6to4, Teredo, NAT64), deprecated or unassigned.
 * An IPv4-mapped address (`::ffff:a.b.c.d`) is judged by its IPv4 address.
 */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return !isGlobal4(bare);
  if (family === 6) {
    const v4 = mappedIpv4(bare);
    if (v4 !== undefined) return !isGlobal4(v4);
    return !(global6.check(bare, 'ipv6') && !notGlobal6.check(bare, 'ipv6'));
  }
  return true; // not an address: refuse rather than guess
}

export class SsrfRefused extends Error {
  override name = 'SsrfRefused';
  /**
   * `transient`: a name that did not resolve may resolve later, worth a retry, unlike an internal
   * address. `reason` says which rule refused, `address` the internal address found.
   */
  constructor(
    message: string,
    readonly transient = false,
    readonly reason: 'url' | 'unresolved' | 'internal' = 'url',
    readonly address?: string,
  ) {
    super(message);
  }
}

export interface VettedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;
const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Parse, resolve and check a webhook URL. Refuses non-http(s), credentials in the URL, and (unless
 * `allowPrivate`) any host with at least one internal address: all of them, since the OS may pick any.
 */
export async function vetUrl(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<VettedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SsrfRefused('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SsrfRefused(`scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) throw new SsrfRefused('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (e) {
      throw new SsrfRefused(`cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, true, 'unresolved');
    }
  }
  if (addresses.length === 0) throw new SsrfRefused(`${host} has no address`, false, 'unresolved');
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new SsrfRefused(`${host} resolves to an internal address (${bad.address})`, false, 'internal', bad.address);
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` for net/tls.connect that always answers the vetted address (DNS pinning). */
export function pinnedLookup(target: VettedTarget): LookupFunction {
  return ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

/**
 * The admin API's check when a webhook URL is saved: null when acceptable, else why not (a
 * sentence for the person typing it). Absolute http(s), no credentials, and unless
 * `allowPrivateNetwork` neither a literal internal address nor a name with any internal address.
 * A name that does not resolve now is refused too. Deliveries check again at each attempt
 * (DNS changes); this is only the early, friendly answer.
 */
export async function checkWebhookUrl(raw: string, allowPrivateNetwork: boolean, resolve: Resolver = systemResolver): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the webhook URL must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the webhook URL must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (url.username || url.password) return 'the webhook URL must not carry credentials (user:password@)';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (!allowPrivateNetwork && isPrivateAddress(host)) return `the webhook URL points at an internal address (${host}); it must be publicly reachable`;
    return null;
  }
  try {
    await vetUrl(raw, allowPrivateNetwork, resolve);
    return null;
  } catch (e) {
    if (!(e instanceof SsrfRefused)) throw e;
    if (e.reason === 'unresolved') return `the webhook host ${host} does not resolve to any address; check the name and its DNS records (${e.message})`;
    if (e.reason === 'internal') return `the webhook host ${host} resolves to an internal address (${e.address}); it must be publicly reachable`;
    return `the webhook URL is refused: ${e.message}`;
  }
}
