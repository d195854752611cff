import {
  classifyAddress,
  classifyHostLiteral,
  parseIpv4Loose,
  parseIpv6,
} from './address-classifier';

/** The host part as the WHATWG URL parser (used by the HTTP client) normalizes it. */
function urlHost(url: string): string {
  return new URL(url).hostname;
}

describe('address classifier', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'ipv4-compatible'],
    ['http://169.254.169.254/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://100.100.100.200/', 'metadata'],
    ['http://[64:ff9b::7f00:1]/', 'loopback'],
    ['http://[2002:7f00:1::]/', 'loopback'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://100.64.0.1/', 'cgnat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://[fc00::1]/', 'unique-local'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['http://[::ffff:10.0.0.5]/', 'private'],
  ])('refuses %s (%s) after URL normalization', (url, kind) => {
    const verdict = classifyHostLiteral(urlHost(url));
    expect(verdict).toBeDefined();
    expect(verdict!.allowed).toBe(false);
    expect(verdict!.kind).toBe(kind);
  });

  it.each([
    ['2130706433', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['[::127.0.0.1]', 'ipv4-compatible'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
  ])('refuses the raw spelling %s (%s) without a URL parser', (host, kind) => {
    const verdict = classifyHostLiteral(host)!;
    expect(verdict.allowed).toBe(false);
    expect(verdict.kind).toBe(kind);
  });

  it('allows public unicast addresses', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(classifyAddress(a)).toMatchObject({ allowed: true, kind: 'public' });
    expect(classifyHostLiteral('example.com')).toBeUndefined();
  });

  it('parses legacy IPv4 spellings like inet_aton', () => {
    expect(parseIpv4Loose('2130706433')).toBe(0x7f000001);
    expect(parseIpv4Loose('0177.0.0.1')).toBe(0x7f000001);
    expect(parseIpv4Loose('127.0.1')).toBe(0x7f000001);
    expect(parseIpv4Loose('256.1.1.1')).toBeUndefined();
    expect(parseIpv4Loose('1.2.3.4.5')).toBeUndefined();
    expect(parseIpv4Loose('4294967296')).toBeUndefined();
    expect(parseIpv4Loose('example')).toBeUndefined();
  });

  it('parses IPv6 with compression and embedded IPv4', () => {
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('[::ffff:127.0.0.1]')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIpv6('2001:db8::1:2')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 1, 2]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6('1::2::3')).toBeUndefined();
    expect(parseIpv6('12345::')).toBeUndefined();
    expect(classifyAddress('not an ip')).toMatchObject({ allowed: false, kind: 'invalid' });
  });
});
