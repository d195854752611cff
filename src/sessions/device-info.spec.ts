import { deviceInfo } from './device-info';

describe('device info', () => {
  it('reads Chrome on Windows as a desktop', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
    expect(deviceInfo(ua)).toEqual({
      browser: 'Chrome',
      browser_version: '124.0.0.0',
      os: 'Windows',
      os_version: '10',
      device_type: 'desktop',
    });
  });

  it('reads Safari on an iPhone as a mobile from Apple', () => {
    const ua =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    expect(deviceInfo(ua)).toEqual({
      browser: 'Mobile Safari',
      browser_version: '17.4',
      os: 'iOS',
      os_version: '17.4',
      device_type: 'mobile',
      device_vendor: 'Apple',
      device_model: 'iPhone',
    });
  });

  it('knows nothing of curl beyond the default device type', () => {
    expect(deviceInfo('curl/8.5.0')).toEqual({ device_type: 'desktop' });
  });

  it('copes with a missing or empty user agent', () => {
    expect(deviceInfo(undefined)).toEqual({ device_type: 'desktop' });
    expect(deviceInfo('')).toEqual({ device_type: 'desktop' });
  });

  it('keeps fields short and free of control characters', () => {
    const ua = `Mozilla/5.0 (Windows NT 10.0) Chrome/1${'2'.repeat(300)}\r\nX-Injected: 1`;
    const info = deviceInfo(ua);
    for (const value of Object.values(info)) {
      expect(value.length).toBeLessThanOrEqual(100);
      expect(value).not.toMatch(/[\r\n]/);
    }
    expect(info.browser).toBe('Chrome');
  });

  it('reads only the start of a huge user agent', () => {
    expect(deviceInfo(`${'a'.repeat(1_000_000)} Chrome/1.0`)).toEqual({ device_type: 'desktop' });
  });
});
