import { safeHttpRequest } from '#net/safe-http';

/**
 * A `fetch` for talking to identity providers (discovery, JWKS, token and user-info
 * endpoints) through the SSRF-safe client: a tenant administrator names these URLs, so
 * none may reach inside our network unless the operator opened its host (SSO_ALLOW_HOSTS).
 * Redirects are not followed (OAuth endpoints do not redirect).
 */
export function idpFetch(allowHosts: readonly string[]) {
  return async (url: string, options: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(options.headers).forEach((value, name) => (headers[name] = value));
    const body =
      options.body === undefined || options.body === null
        ? undefined
        : options.body instanceof URLSearchParams
          ? options.body.toString()
          : String(options.body);
    const response = await safeHttpRequest(
      { url, method: options.method ?? 'GET', headers, body },
      {
        allowHosts,
        maxRedirects: 0,
        maxResponseBytes: 1_000_000,
        timeoutMs: 10_000,
        signal: options.signal ?? undefined,
      },
    );
    return new Response(response.status === 204 ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: response.headers,
    });
  };
}
