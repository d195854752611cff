import { isOriginAllowed } from './ws-origin';

describe('isOriginAllowed', () => {
  it('lets clients without an Origin (SDKs, CLI) through', () => {
    expect(isOriginAllowed(undefined, 'api.example.com', ['self'])).toBe(true);
  });

  it('with self, allows a page from the host the request is addressed to', () => {
    expect(isOriginAllowed('https://api.example.com', 'api.example.com', ['self'])).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', ['self'])).toBe(true);
    expect(isOriginAllowed('http://API.example.com:80', 'api.example.com', ['self'])).toBe(true);
  });

  it('refuses other hosts, other ports, opaque and malformed origins', () => {
    expect(isOriginAllowed('https://evil.example', 'api.example.com', ['self'])).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:9999', '127.0.0.1:3000', ['self'])).toBe(false);
    expect(isOriginAllowed('null', 'api.example.com', ['self'])).toBe(false);
    expect(isOriginAllowed('file://', 'api.example.com', ['self'])).toBe(false);
    expect(isOriginAllowed('not a url', 'api.example.com', ['self'])).toBe(false);
    expect(isOriginAllowed('https://api.example.com', undefined, ['self'])).toBe(false);
  });

  it('allows listed origins exactly, and only those when self is not listed', () => {
    const allowed = ['https://app.example.com'];
    expect(isOriginAllowed('https://app.example.com', 'api.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('http://app.example.com', 'api.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://api.example.com', 'api.example.com', allowed)).toBe(false);
  });
});
