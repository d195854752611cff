import { SsrfRefused, assertUrlAllowed, isAllowListed } from './safe-http';

/**
 * Why a URL the product will call out to (a webhook endpoint, an MCP server) is refused, or
 * undefined when it may be stored: http(s) only, no credentials in it, https unless the host
 * is allow-listed (`allowSetting` names the setting in the answer), and no literal private,
 * loopback, link-local or metadata address unless allow-listed. Names are resolved and
 * checked again on every connection.
 */
export function outboundUrlProblem(
  raw: string,
  allowHosts: readonly string[],
  allowSetting: string,
): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  // Port 0 parses but nothing can be reached on it: every delivery would fail.
  if (url.port === '0') return 'must not name port 0';
  if (isAllowListed(url, allowHosts)) return undefined;
  if (url.protocol !== 'https:')
    return `must be an https URL (http only for hosts in ${allowSetting})`;
  try {
    assertUrlAllowed(url, allowHosts);
  } catch (error) {
    if (error instanceof SsrfRefused) return `is not reachable from here: ${error.message}`;
    throw error;
  }
  return undefined;
}
