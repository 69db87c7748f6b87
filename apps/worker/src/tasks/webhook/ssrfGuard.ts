import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Keeps webhook stages (whose URLs pipeline authors control) away from the link-local and cloud
 * metadata endpoints that hand out the worker's cloud credentials. Loopback and private ranges stay
 * reachable on purpose: teams call their internal services, and our tests use 127.0.0.1.
 *
 * Known gap: the guard resolves the name, then fetch resolves it again, so a DNS-rebinding server
 * could answer differently the second time. Closing that needs a fetch whose connector pins the
 * checked address, which `TaskServices.fetch` does not offer.
 */

/** Resolves a host name to every address it has. */
export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface GuardOptions {
  /** Hosts let through without checks: exact names/addresses, `*.suffix`, or `*` for all. */
  allowedHosts: readonly string[];
  lookup?: HostLookup;
}

export type GuardVerdict =
  | { ok: true; url: URL }
  | { ok: false; kind: 'refused'; reason: string }
  /** DNS failed: possibly a blip, so the caller decides whether to retry. */
  | { ok: false; kind: 'unresolvable'; reason: string };

export const ALLOWED_HOSTS_SETTING = 'GANTRY_WEBHOOK_ALLOWED_HOSTS';

// Names that only exist inside clouds and resolve to metadata services there; refused by name so
// the refusal doesn't depend on where the worker runs.
const BLOCKED_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

const blockedAddresses = new BlockList();
// IPv4 rules also match IPv4-mapped IPv6 (::ffff:169.254.169.254): BlockList does that itself.
blockedAddresses.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. AWS/GCP/Azure 169.254.169.254
blockedAddresses.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
blockedAddresses.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
blockedAddresses.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
// The same IPv4 targets embedded in IPv6 forms BlockList does not unwrap: NAT64 and the
// deprecated IPv4-compatible form.
blockedAddresses.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6');
blockedAddresses.addAddress('64:ff9b::6464:64c8', 'ipv6');
blockedAddresses.addSubnet('::a9fe:0', 112, 'ipv6');
blockedAddresses.addAddress('::6464:64c8', 'ipv6');

/** Lower-case, without IPv6 brackets or the trailing dot of a fully-qualified name. */
function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

export function isAllowListed(host: string, allowedHosts: readonly string[]): boolean {
  const h = normalizeHost(host);
  return allowedHosts.some((entry) => {
    const e = normalizeHost(entry);
    if (e === '') return false;
    if (e === '*') return true;
    if (e.startsWith('*.')) return h.endsWith(e.slice(1));
    return h === e;
  });
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return blockedAddresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Decides whether a request to `rawUrl` may be sent. Checks every address the host resolves to. */
export async function checkUrl(rawUrl: string, options: GuardOptions): Promise<GuardVerdict> {
  let url: URL;
  try {
    // WHATWG parsing normalises decimal/octal/hex IPv4 literals (http://2852039166/) to dotted form.
    url = new URL(rawUrl);
  } catch {
    return { ok: false, kind: 'refused', reason: `refused: "${rawUrl}" is not a valid URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, kind: 'refused', reason: `refused: scheme "${url.protocol}" is not allowed (only http and https)` };
  }
  const host = normalizeHost(url.hostname);
  if (isAllowListed(host, options.allowedHosts)) return { ok: true, url };

  const advice = `add it to ${ALLOWED_HOSTS_SETTING} to allow`;
  if (BLOCKED_NAMES.has(host)) {
    return { ok: false, kind: 'refused', reason: `refused: ${host} is a cloud metadata host; ${advice}` };
  }
  if (isIP(host) !== 0) {
    return isBlockedAddress(host)
      ? { ok: false, kind: 'refused', reason: `refused: ${host} is a link-local/metadata address; ${advice}` }
      : { ok: true, url };
  }

  let addresses: string[];
  try {
    addresses = await (options.lookup ?? systemLookup)(host);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, kind: 'unresolvable', reason: `cannot resolve ${host}: ${typeof code === 'string' ? code : String(error)}` };
  }
  if (addresses.length === 0) return { ok: false, kind: 'unresolvable', reason: `cannot resolve ${host}: no addresses` };
  const blocked = addresses.find(isBlockedAddress);
  if (blocked !== undefined) {
    return {
      ok: false,
      kind: 'refused',
      reason: `refused: ${host} resolves to ${blocked}, a link-local/metadata address; add ${host} to ${ALLOWED_HOSTS_SETTING} to allow`,
    };
  }
  return { ok: true, url };
}
