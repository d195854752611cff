/** CSP directives in helmet's shape: directive name → source list. */
export type CspDirectives = Record<string, string[]>;

/** Origins the dashboard's browser code may connect to besides its own (API and WebSocket URLs). */
export function dashboardConnectSources(urls: Array<string | undefined>): string[] {
  const origins = urls.filter((u): u is string => !!u).map((u) => new URL(u).origin);
  return [...new Set(origins)];
}

/**
 * The policy of the dashboard, the API and everything else: scripts and styles only from
 * this origin (no inline code, no eval), nothing may frame the page. `'self'` in
 * connect-src also covers the same-host WebSocket (ws:/wss:) under CSP Level 3.
 */
export function strictDirectives(extraConnectSources: string[] = []): CspDirectives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...extraConnectSources],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/**
 * Swagger UI at /docs ships inline <style> blocks and style attributes in its page, so it
 * alone may use inline styles; its scripts are files, so script-src stays strict.
 */
export function docsDirectives(): CspDirectives {
  return { ...strictDirectives(), 'style-src': ["'self'", "'unsafe-inline'"] };
}

/**
 * The authorization server's pages: as strict, except that a form there may lead on to
 * the client's registered redirect URI (another origin, or an app's own scheme), which
 * browsers check against form-action when they follow the redirect after a submission.
 */
export function oauthDirectives(): CspDirectives {
  const directives = strictDirectives();
  delete directives['form-action'];
  return directives;
}
