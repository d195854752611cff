import {
  dashboardConnectSources,
  docsDirectives,
  strictDirectives,
} from './content-security-policy';

describe('content security policy', () => {
  it('allows no inline or foreign script anywhere, and no framing', () => {
    for (const directives of [strictDirectives(), docsDirectives()]) {
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['script-src-attr']).toEqual(["'none'"]);
      expect(directives['frame-ancestors']).toEqual(["'none'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
    }
    expect(strictDirectives()['style-src']).toEqual(["'self'"]);
    expect(docsDirectives()['style-src']).toContain("'unsafe-inline'");
  });

  it('lets the dashboard reach a configured API and WebSocket origin besides its own', () => {
    const extra = dashboardConnectSources([
      'https://api.example.com/base',
      'wss://api.example.com/ws',
      undefined,
      'https://api.example.com',
    ]);
    expect(extra).toEqual(['https://api.example.com', 'wss://api.example.com']);
    expect(strictDirectives(extra)['connect-src']).toEqual(["'self'", ...extra]);
  });
});
