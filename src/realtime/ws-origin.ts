/**
 * Whether a WebSocket upgrade's Origin may connect. No Origin (SDKs, CLI, servers: only
 * browsers send one) is allowed; `self` in the list allows a page from the host the request
 * is addressed to (Origin host equal to the Host header); other entries are exact origins.
 */
export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return false;
  }
  if (page.protocol !== 'http:' && page.protocol !== 'https:') return false;
  if (allowed.includes(page.origin)) return true;
  if (!allowed.includes('self') || !host) return false;
  try {
    return new URL(`${page.protocol}//${host}`).host === page.host;
  } catch {
    return false;
  }
}
