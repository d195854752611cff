/**
 * Classifies IP addresses for SSRF protection: everything that is not a globally routable
 * unicast address (loopback, private, link-local, CGNAT, multicast, ULA, IPv4-mapped or
 * translated forms of those, cloud metadata addresses, reserved ranges) is refused.
 * Pure code without I/O; the HTTP client checks the address it actually connects to.
 */
export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'metadata'
  | 'unique-local'
  | 'site-local'
  | 'ipv4-compatible'
  | 'teredo'
  | 'invalid';

export interface AddressVerdict {
  address: string;
  kind: AddressKind;
  allowed: boolean;
  /** For translated IPv6 forms: the embedded IPv4 address that was judged. */
  embedded?: string;
}

/** Cloud metadata endpoints (AWS, GCP, Azure, OpenStack, Alibaba, Oracle, AWS IPv6). */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192']);
const METADATA_V6 = new Set(['fd00:ec2:0:0:0:0:0:254']);
export const METADATA_HOSTNAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
]);

const V4_RANGES: Array<[number, number, AddressKind]> = [
  [ip4('0.0.0.0'), 8, 'unspecified'],
  [ip4('10.0.0.0'), 8, 'private'],
  [ip4('100.64.0.0'), 10, 'cgnat'],
  [ip4('127.0.0.0'), 8, 'loopback'],
  [ip4('169.254.0.0'), 16, 'link-local'],
  [ip4('172.16.0.0'), 12, 'private'],
  [ip4('192.0.0.0'), 24, 'reserved'],
  [ip4('192.0.2.0'), 24, 'documentation'],
  [ip4('192.88.99.0'), 24, 'reserved'],
  [ip4('192.168.0.0'), 16, 'private'],
  [ip4('198.18.0.0'), 15, 'reserved'],
  [ip4('198.51.100.0'), 24, 'documentation'],
  [ip4('203.0.113.0'), 24, 'documentation'],
  [ip4('224.0.0.0'), 4, 'multicast'],
  [ip4('255.255.255.255'), 32, 'broadcast'],
  [ip4('240.0.0.0'), 4, 'reserved'],
];

function ip4(dotted: string): number {
  return dotted.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inRange(value: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return value >= base && value < base + size;
}

/** Strict dotted-quad IPv4 (what resolvers and socket.remoteAddress return). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * IPv4 as inet_aton reads it: 1 to 4 parts, each decimal, 0x-hex or 0-octal, the last part
 * filling the remaining bytes (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`).
 */
export function parseIpv4Loose(text: string): number | undefined {
  if (!text || text.length > 64) return undefined;
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const nums: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(part)) n = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) n = parseInt(part, 8);
    else if (/^\d+$/.test(part)) n = Number(part);
    else return undefined;
    if (!Number.isFinite(n)) return undefined;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255)) return undefined;
  const lastBytes = 4 - nums.length;
  if (last >= 2 ** (8 * lastBytes)) return undefined;
  let value = 0;
  for (const n of nums) value = value * 256 + n;
  return value * 2 ** (8 * lastBytes) + last;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses an IPv6 address (optionally in brackets, with a zone id) into eight 16-bit words. */
export function parseIpv6(text: string): number[] | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':') || !/^[0-9a-f:.]+$/i.test(s)) return undefined;
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (v4 === undefined) return undefined;
    const hi = Math.floor(v4 / 65536).toString(16);
    const lo = (v4 % 65536).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const words: number[] = [];
  for (const w of [...head, ...rest]) {
    if (!/^[0-9a-f]{1,4}$/i.test(w)) return undefined;
    words.push(parseInt(w, 16));
  }
  if (halves.length === 1) return words.length === 8 ? words : undefined;
  if (words.length > 7) return undefined;
  const zeros = new Array<number>(8 - words.length).fill(0);
  return [...words.slice(0, head.length), ...zeros, ...words.slice(head.length)];
}

export function classifyIpv4(value: number, address = formatIpv4(value)): AddressVerdict {
  if (METADATA_V4.has(address)) return { address, kind: 'metadata', allowed: false };
  for (const [base, bits, kind] of V4_RANGES)
    if (inRange(value, base, bits)) return { address, kind, allowed: false };
  return { address, kind: 'public', allowed: true };
}

export function classifyIpv6(words: number[], address: string): AddressVerdict {
  const key = words.map((w) => w.toString(16)).join(':');
  if (METADATA_V6.has(key)) return { address, kind: 'metadata', allowed: false };
  const embedded = (hi: number, lo: number) => hi * 65536 + lo;
  const allZero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (allZero(0, 8)) return { address, kind: 'unspecified', allowed: false };
  if (allZero(0, 7) && words[7] === 1) return { address, kind: 'loopback', allowed: false };
  // IPv4-mapped ::ffff:a.b.c.d and the SIIT form ::ffff:0:a.b.c.d: judge the IPv4 inside
  if (allZero(0, 5) && words[5] === 0xffff) return viaV4(address, embedded(words[6], words[7]));
  if (allZero(0, 4) && words[4] === 0xffff && words[5] === 0)
    return viaV4(address, embedded(words[6], words[7]));
  // deprecated IPv4-compatible ::a.b.c.d: never legitimate
  if (allZero(0, 6)) return { address, kind: 'ipv4-compatible', allowed: false };
  // NAT64 well-known prefix 64:ff9b::/96 translates to the IPv4 inside
  if (words[0] === 0x64 && words[1] === 0xff9b && allZero(2, 6))
    return viaV4(address, embedded(words[6], words[7]));
  if (words[0] === 0x64 && words[1] === 0xff9b && words[2] === 1)
    return { address, kind: 'reserved', allowed: false };
  // 6to4 2002:V4ADDR::/48
  if (words[0] === 0x2002) return viaV4(address, embedded(words[1], words[2]));
  if (words[0] === 0x2001 && words[1] === 0) return { address, kind: 'teredo', allowed: false };
  if (words[0] === 0x2001 && words[1] === 0xdb8)
    return { address, kind: 'documentation', allowed: false };
  if (words[0] === 0x100 && allZero(1, 4)) return { address, kind: 'reserved', allowed: false };
  if ((words[0] & 0xfe00) === 0xfc00) return { address, kind: 'unique-local', allowed: false };
  if ((words[0] & 0xffc0) === 0xfe80) return { address, kind: 'link-local', allowed: false };
  if ((words[0] & 0xffc0) === 0xfec0) return { address, kind: 'site-local', allowed: false };
  if ((words[0] & 0xff00) === 0xff00) return { address, kind: 'multicast', allowed: false };
  // only global unicast 2000::/3 is routable on the internet
  if ((words[0] & 0xe000) !== 0x2000) return { address, kind: 'reserved', allowed: false };
  return { address, kind: 'public', allowed: true };
}

function viaV4(address: string, value: number): AddressVerdict {
  const inner = classifyIpv4(value);
  return {
    address,
    kind: inner.kind,
    allowed: inner.allowed,
    embedded: inner.address,
  };
}

/** Classifies an IP address string (IPv4 dotted quad or IPv6, brackets allowed). */
export function classifyAddress(address: string): AddressVerdict {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return classifyIpv4(v4, address);
  const v6 = parseIpv6(address);
  if (v6) return classifyIpv6(v6, address);
  return { address, kind: 'invalid', allowed: false };
}

/**
 * Interprets a URL host the way an attacker might write it (any IPv4 spelling, bracketed
 * IPv6): an IP verdict when the host is an address, undefined for a DNS name.
 */
export function classifyHostLiteral(host: string): AddressVerdict | undefined {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.startsWith('[') || h.includes(':')) {
    const v6 = parseIpv6(h);
    return v6 ? classifyIpv6(v6, h) : { address: h, kind: 'invalid', allowed: false };
  }
  const v4 = parseIpv4Loose(h);
  if (v4 !== undefined) return classifyIpv4(v4);
  return undefined;
}

export function isMetadataHostname(host: string): boolean {
  return METADATA_HOSTNAMES.has(host.trim().toLowerCase().replace(/\.$/, ''));
}

/** `localhost` and every name under it are loopback by definition (RFC 6761 §6.3). */
export function isLoopbackHostname(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/** A human explanation of why an address is refused. */
export function describeRefusal(verdict: AddressVerdict): string {
  const inner = verdict.embedded ? ` (embeds ${verdict.embedded})` : '';
  return `${verdict.address}${inner} is a ${verdict.kind} address`;
}
