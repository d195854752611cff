import { isIP } from 'node:net';

/** IPv4-mapped IPv6 (`::ffff:10.0.0.5`) is the IPv4 address it carries. */
export function normalizeIp(address: string): string {
  let ip = address.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (mappedHex) {
    const hi = parseInt(mappedHex[1], 16);
    const lo = parseInt(mappedHex[2], 16);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return isIP(ip) === 6 ? ip.toLowerCase() : ip;
}

function toBigInt(ip: string): { value: bigint; bits: 32 | 128 } | null {
  const normalized = normalizeIp(ip);
  const version = isIP(normalized);
  if (version === 4) {
    const parts = normalized.split('.').map(Number);
    return {
      value: parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n),
      bits: 32,
    };
  }
  if (version === 6) {
    let text = normalized;
    const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
    if (v4) {
      const p = v4[1].split('.').map(Number);
      text = text.replace(
        v4[1],
        `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`,
      );
    }
    const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
    const headParts = head ? head.split(':') : [];
    const tailParts = tail ? tail.split(':') : [];
    const missing = 8 - headParts.length - tailParts.length;
    const groups = [
      ...headParts,
      ...Array(tail === undefined ? 0 : missing).fill('0'),
      ...tailParts,
    ];
    if (groups.length !== 8) return null;
    return {
      value: groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)), 0n),
      bits: 128,
    };
  }
  return null;
}

export function isValidIp(value: string): boolean {
  return toBigInt(value) !== null;
}

export function isValidCidr(value: string): boolean {
  const [base, prefix, extra] = value.split('/');
  if (extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const parsed = toBigInt(base);
  return parsed !== null && Number(prefix) <= parsed.bits;
}

export function cidrContains(cidr: string, address: string): boolean {
  const [base, prefixText] = cidr.split('/');
  const network = toBigInt(base);
  const ip = toBigInt(address);
  if (!network || !ip || network.bits !== ip.bits) return false;
  const prefix = BigInt(Number(prefixText));
  const shift = BigInt(network.bits) - prefix;
  return network.value >> shift === ip.value >> shift;
}

export interface IpRules {
  allowedIps: string[];
  allowedCidrs: string[];
  blockedIps: string[];
}

/** Blocked wins; with any allow rule present, the address must match one. */
export function isIpAllowed(rules: IpRules, address: string | undefined): boolean {
  const hasAllowRules = rules.allowedIps.length > 0 || rules.allowedCidrs.length > 0;
  if (!address) return !hasAllowRules && rules.blockedIps.length === 0;
  const ip = toBigInt(address);
  if (!ip) return false;
  const same = (other: string) => {
    const o = toBigInt(other);
    return o !== null && o.bits === ip.bits && o.value === ip.value;
  };
  if (rules.blockedIps.some(same)) return false;
  if (!hasAllowRules) return true;
  return rules.allowedIps.some(same) || rules.allowedCidrs.some((c) => cidrContains(c, address));
}

/**
 * The client address: the socket peer, unless that peer is a trusted proxy, in which case
 * the right-most X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function clientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: string[],
): string | undefined {
  if (!remoteAddress) return undefined;
  const trusted = (ip: string) =>
    trustedProxies.some((p) =>
      p.includes('/')
        ? cidrContains(p, ip)
        : isIpAllowed({ allowedIps: [p], allowedCidrs: [], blockedIps: [] }, ip),
    );
  let current = normalizeIp(remoteAddress);
  if (!forwardedFor || !trusted(current)) return current;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isValidIp(hops[i])) return current;
    current = normalizeIp(hops[i]);
    if (!trusted(current)) return current;
  }
  return current;
}
