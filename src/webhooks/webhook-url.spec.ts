import { webhookUrlProblem } from './webhook-url';

describe('webhook endpoint URLs', () => {
  const allow = ['127.0.0.1:4100'];

  it.each([
    'http://127.0.0.1:9/hook',
    'https://127.0.0.1/hook',
    'https://[::1]/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://10.0.0.1/',
    'https://0x7f000001/',
    'https://metadata.google.internal/',
    'https://metadata.google.internal./',
    'https://localhost/hook',
    'https://localhost./hook',
    'https://api.localhost/hook',
    'http://example.com/hook',
    'ftp://example.com/hook',
    'https://user:pw@example.com/hook',
    'https://example.com:0/hook',
    'https://example.com:00/hook',
    'not a url',
  ])('refuses %s', (url) => {
    expect(webhookUrlProblem(url, allow)).toEqual(expect.any(String));
  });

  it('takes public https URLs and allow-listed hosts over http', () => {
    expect(webhookUrlProblem('https://hooks.example.com/in', allow)).toBeUndefined();
    expect(webhookUrlProblem('http://127.0.0.1:4100/in', allow)).toBeUndefined();
    expect(webhookUrlProblem('https://hooks.example.com:8443/in', allow)).toBeUndefined();
  });
});
