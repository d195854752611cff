import { addressBucket, InMemoryLoginThrottleStore } from './login-throttle';

describe('InMemoryLoginThrottleStore', () => {
  let now = 1_000_000;
  const store = () => new InMemoryLoginThrottleStore(1000, () => now);

  it('refuses once a counter reaches its limit, until its window ends', async () => {
    const throttle = store();
    const counters = [{ key: 'ip:10.0.0.1', limit: 3 }];
    for (let i = 0; i < 3; i++)
      expect(await throttle.reserve(counters, 60_000)).toEqual({ allowed: true });
    expect(await throttle.reserve(counters, 60_000)).toEqual({ allowed: false, retryAfterS: 60 });
    now += 59_500;
    expect(await throttle.reserve(counters, 60_000)).toEqual({ allowed: false, retryAfterS: 1 });
    now += 500;
    expect(await throttle.reserve(counters, 60_000)).toEqual({ allowed: true });
  });

  it('counts on every counter or on none', async () => {
    const throttle = store();
    const ip = { key: 'ip:a', limit: 10 };
    const tenant = { key: 'tenant:t', limit: 2 };
    await throttle.reserve([ip, tenant], 60_000);
    await throttle.reserve([ip, tenant], 60_000);
    expect((await throttle.reserve([ip, tenant], 60_000)).allowed).toBe(false);
    // the refused attempt was not counted on the address
    for (let i = 0; i < 8; i++) expect((await throttle.reserve([ip], 60_000)).allowed).toBe(true);
    expect((await throttle.reserve([ip], 60_000)).allowed).toBe(false);
  });

  it('takes a released attempt back, so successes do not use up the limit', async () => {
    const throttle = store();
    const counters = [{ key: 'ip:b', limit: 2 }];
    for (let i = 0; i < 5; i++) {
      await throttle.reserve(counters, 60_000);
      await throttle.release(['ip:b']);
    }
    expect((await throttle.reserve(counters, 60_000)).allowed).toBe(true);
    expect((await throttle.reserve(counters, 60_000)).allowed).toBe(true);
    expect((await throttle.reserve(counters, 60_000)).allowed).toBe(false);
  });
});

describe('addressBucket', () => {
  it('counts IPv4 (also IPv4-mapped) per address and IPv6 per /64', () => {
    expect(addressBucket('10.0.0.5')).toBe('10.0.0.5');
    expect(addressBucket('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });
});
