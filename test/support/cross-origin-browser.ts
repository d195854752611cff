/**
 * A browser over HTTP for flows that cross origins (our product, an identity provider):
 * cookies kept per host, redirects followed wherever they go.
 */
export class CrossOriginBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(new URL(origin).host)?.get(name);
  }

  async go(
    url: string,
    form?: Record<string, string>,
    stopAt?: (url: URL) => boolean,
  ): Promise<{ url: string; status: number; body: string }> {
    let current = new URL(url);
    let response = await this.request(current, form);
    for (let hops = 0; response.location && hops < 15; hops++) {
      current = new URL(response.location, current);
      if (stopAt?.(current)) return { url: current.href, status: response.status, body: '' };
      response = await this.request(current);
    }
    return { url: current.href, status: response.status, body: response.body };
  }

  private async request(url: URL, form?: Record<string, string>) {
    const jar = this.jars.get(url.host) ?? new Map<string, string>();
    this.jars.set(url.host, jar);
    const headers: Record<string, string> = {};
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    for (const raw of res.headers.getSetCookie()) {
      const [pair, ...attributes] = raw.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    return {
      status: res.status,
      location: res.headers.get('location') ?? undefined,
      body: await res.text(),
    };
  }
}

/** The first form of a page: its action and its hidden fields. */
export function firstForm(
  html: string,
  base: string,
): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`No form on the page:\n${html.slice(0, 1500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = value.replace(/&amp;/g, '&');
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), base).href, fields };
}
