/**
 * A minimal browser for OAuth flows over HTTP: keeps cookies by name, follows redirects on
 * the product's own origin one at a time, and stops at the first redirect that leaves it
 * (the client's redirect URI), so the test can read the code it carries.
 */
export class OAuthUserAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** One request, no redirect followed. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> | URLSearchParams } = {},
  ): Promise<{ status: number; location?: string; body: string }> {
    const headers: Record<string, string> = {};
    if (this.cookies.size)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(new URL(url, this.origin), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    for (const raw of res.headers.getSetCookie()) {
      const [pair, ...attributes] = raw.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      location: location
        ? new URL(location, url.startsWith('http') ? url : this.origin).href
        : undefined,
      body: await res.text(),
    };
  }

  /**
   * Follows redirects within the product's origin; answers the last page, or the first
   * redirect elsewhere as `left`.
   */
  async follow(
    url: string,
    init: { method?: string; form?: Record<string, string> | URLSearchParams } = {},
  ): Promise<{ status: number; url: string; body: string; left?: string }> {
    let current = new URL(url, this.origin).href;
    let response = await this.request(current, init);
    for (let hops = 0; response.location && hops < 10; hops++) {
      if (new URL(response.location).origin !== new URL(this.origin).origin)
        return { ...response, url: current, left: response.location };
      current = response.location;
      response = await this.request(current);
    }
    return { ...response, url: current };
  }
}

/** The action of the form on a page whose path ends with `step`. */
export function formAction(html: string, step: string): string {
  const match = [...html.matchAll(/<form method="post" action="([^"]+)"/g)]
    .map((m) => m[1].replace(/&amp;/g, '&'))
    .find((action) => action.endsWith(`/${step}`));
  if (!match) throw new Error(`No form ending in /${step} on the page:\n${html.slice(0, 2000)}`);
  return match;
}
