/**
 * Which hosts a URL written into a pipeline (a webhook stage's, a canary's metric source) may
 * reach. Pure classification, no DNS: the edge that sends the request resolves names and asks
 * about every address. What is refused: the link-local and cloud metadata endpoints that hand out
 * the server's cloud credentials, in every spelling that reaches them. Loopback and private ranges
 * stay reachable on purpose: teams call their internal services, and tests use 127.0.0.1.
 */

// Names that only exist inside clouds and resolve to metadata services there; refused by name so
// the refusal doesn't depend on where the server runs.
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

/** IPv4 ranges as [first address, prefix length]. */
const BLOCKED_IPV4: readonly [string, number][] = [
  ['169.254.0.0', 16], // link-local, incl. AWS/GCP/Azure/OCI 169.254.169.254
  ['100.100.100.200', 32], // Alibaba Cloud metadata
  ['168.63.129.16', 32], // Azure's WireServer (VM agent, extension settings)
  ['192.0.0.192', 32], // Oracle Cloud metadata (classic)
];

/** Lower-case, without IPv6 brackets or the trailing dot of a fully-qualified name. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Allow-list entries: exact names/addresses, `*.suffix` (whole labels), or `*` for every host. */
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

export function isMetadataHostName(host: string): boolean {
  return METADATA_NAMES.has(normalizeHost(host));
}

/** An IP address (v4, or v6 in any form that carries a v4 address) of a link-local/metadata endpoint. */
export function isBlockedAddress(address: string): boolean {
  const host = normalizeHost(address);
  const ipv4 = ipv4Number(host);
  if (ipv4 !== undefined) return isBlockedIpv4(ipv4);
  const groups = host.includes(':') ? ipv6Groups(host) : undefined;
  if (groups === undefined) return false;
  if ((groups[0]! & 0xffc0) === 0xfe80) return true; // IPv6 link-local fe80::/10
  if (groups.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return true; // AWS metadata over IPv6
  return embeddedIpv4(groups).some((embedded) => isBlockedIpv4(ipv4Number(embedded)!));
}

function isBlockedIpv4(address: number): boolean {
  return BLOCKED_IPV4.some(([first, prefix]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return ((address & mask) >>> 0) === ((ipv4Number(first)! & mask) >>> 0);
  });
}

/** A dotted-quad IPv4 address as a 32-bit number (URL parsing already turned other spellings into this form). */
function ipv4Number(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((sum, octet) => sum * 256 + octet, 0);
}

/**
 * The IPv4 addresses an IPv6 address routes to or stands for: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d), 6to4 (2002:AABB:CCDD::/48) and NAT64 under 64:ff9b::/32 (the
 * well-known 64:ff9b::/96 and the local-use 64:ff9b:1::/48). RFC 6052 places the IPv4 address at
 * a position that depends on the operator's prefix length (skipping bits 64..71): every layout is
 * tried, since refusing a few more addresses of a translation range costs nothing.
 */
function embeddedIpv4(groups: number[]): string[] {
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  const at = (...indices: number[]) => indices.map((i) => bytes[i]).join('.');
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const found: string[] = [];
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) found.push(at(12, 13, 14, 15));
  if (groups[0] === 0x2002) found.push(at(2, 3, 4, 5));
  if (groups[0] === 0x64 && groups[1] === 0xff9b) {
    found.push(at(12, 13, 14, 15), at(4, 5, 6, 7), at(5, 6, 7, 9), at(6, 7, 9, 10), at(7, 9, 10, 11), at(9, 10, 11, 12));
  }
  return found;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` expanded and a trailing dotted quad read). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const valid = groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff);
  return valid && /^[0-9a-f:.]+$/.test(address.split('%')[0]!) ? groups : undefined;
}
