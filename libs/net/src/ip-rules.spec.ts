import { cidrContains, clientIp, isIpAllowed, isValidCidr, normalizeIp } from './ip-rules';

const none = { allowedIps: [], allowedCidrs: [], blockedIps: [] };

describe('IP rules', () => {
  it('treats IPv4-mapped IPv6 as the IPv4 address', () => {
    expect(normalizeIp('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(normalizeIp('::FFFF:0a00:0005')).toBe('10.0.0.5');
    expect(isIpAllowed({ ...none, allowedIps: ['10.0.0.5'] }, '::ffff:10.0.0.5')).toBe(true);
    expect(isIpAllowed({ ...none, blockedIps: ['10.0.0.5'] }, '::ffff:10.0.0.5')).toBe(false);
    expect(isIpAllowed({ ...none, allowedCidrs: ['10.0.0.0/8'] }, '::ffff:10.9.8.7')).toBe(true);
  });

  it('matches CIDRs for IPv4 and IPv6', () => {
    expect(cidrContains('192.168.1.0/24', '192.168.1.200')).toBe(true);
    expect(cidrContains('192.168.1.0/24', '192.168.2.1')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db8:1::5')).toBe(true);
    expect(cidrContains('2001:db8::/32', '2001:db9::5')).toBe(false);
    expect(cidrContains('10.0.0.0/8', '2001:db8::1')).toBe(false);
    expect(isValidCidr('10.0.0.0/33')).toBe(false);
    expect(isValidCidr('10.0.0.0')).toBe(false);
    expect(isValidCidr('fe80::/10')).toBe(true);
  });

  it('lets blocked win and requires a match when allow rules exist', () => {
    const rules = {
      allowedIps: ['1.2.3.4'],
      allowedCidrs: ['10.0.0.0/8'],
      blockedIps: ['10.0.0.9'],
    };
    expect(isIpAllowed(rules, '1.2.3.4')).toBe(true);
    expect(isIpAllowed(rules, '10.1.1.1')).toBe(true);
    expect(isIpAllowed(rules, '10.0.0.9')).toBe(false);
    expect(isIpAllowed(rules, '8.8.8.8')).toBe(false);
    expect(isIpAllowed(rules, 'garbage')).toBe(false);
    expect(isIpAllowed(none, '8.8.8.8')).toBe(true);
    expect(isIpAllowed(rules, undefined)).toBe(false);
  });

  it('trusts X-Forwarded-For only from configured proxies', () => {
    expect(clientIp('203.0.113.9', '1.1.1.1', ['10.0.0.1'])).toBe('203.0.113.9');
    expect(clientIp('::ffff:10.0.0.1', '1.1.1.1, 9.9.9.9', ['10.0.0.1'])).toBe('9.9.9.9');
    expect(clientIp('10.0.0.1', '1.1.1.1, 10.0.0.2', ['10.0.0.0/24'])).toBe('1.1.1.1');
    expect(clientIp('10.0.0.1', 'not-an-ip', ['10.0.0.1'])).toBe('10.0.0.1');
  });
});
