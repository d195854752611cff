import type { FieldError } from '#common';
import { isOAuthScope } from '../../oauth-tokens/oauth-scopes';

export const CLIENT_TYPES = ['confidential', 'public'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export const DEFAULT_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token'];
export const DEFAULT_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];

/** Most redirect URIs (and post-logout redirect URIs) a client may register. */
export const MAX_REDIRECT_URIS = 20;
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** Hosts a plain-http redirect may go to: the loopback interface, on any port (RFC 8252 §7.3). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A private-use URI scheme as native apps register them (RFC 8252 §7.1): a reversed domain
 * name, so it holds at least one dot (`com.example.app`). This also leaves out `javascript`,
 * `data`, `file` and every other scheme without one.
 */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/;

/**
 * Why `uri` cannot be a redirect URI of a client of `clientType`, or undefined when it can:
 * an absolute URL without a fragment or user information; https, or http to the loopback
 * interface on any port; public clients (native apps) may also use a private-use scheme.
 * The URI is kept exactly as given, since the authorization server compares it as a string.
 */
export function redirectUriProblem(uri: string, clientType: ClientType): string | undefined {
  if (uri.length > MAX_REDIRECT_URI_LENGTH)
    return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return 'must not contain whitespace';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (hasDotSegment(uri))
    return 'must not contain . or .. path segments: it is compared as written, and a browser resolves them';
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https' || scheme === 'http') {
    // `https:/cb` and `https:cb` parse, as a host named cb: only `scheme://host` is a web URL
    if (!uri.toLowerCase().startsWith(`${scheme}://`) || !url.hostname)
      return 'must be an absolute URL';
    if (url.hostname.includes('*'))
      return 'must name one host, without a wildcard: redirect URIs are compared exactly';
    if (scheme === 'http' && !LOOPBACK_HOSTS.has(url.hostname))
      return 'must use https (http only to localhost, 127.0.0.1 or [::1])';
    return undefined;
  }
  if (clientType === 'public' && PRIVATE_USE_SCHEME.test(scheme)) return undefined;
  return clientType === 'public'
    ? 'must use https, http to the loopback interface, or a private-use scheme such as com.example.app:'
    : 'must use https (http only to localhost, 127.0.0.1 or [::1])';
}

/**
 * Whether the path of `uri` (as written, before any query) holds a `.` or `..` segment,
 * percent-encoded or not: the stored URI would differ from where a browser goes.
 */
function hasDotSegment(uri: string): boolean {
  const afterScheme = uri.indexOf(':') + 1;
  const pathStart = uri.startsWith('//', afterScheme)
    ? uri.indexOf('/', afterScheme + 2)
    : afterScheme;
  if (pathStart < 0) return false;
  const path = uri.slice(pathStart).split('?')[0];
  return path
    .split('/')
    .map((segment) => segment.replace(/%2e/gi, '.'))
    .some((segment) => segment === '.' || segment === '..');
}

/** A client's settings as they will be stored, checked together. */
export interface ClientSettings {
  clientType: ClientType;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  grantTypes: readonly string[];
  scopes: readonly string[];
  authMethod: string;
}

/** Every reason `settings` cannot be a client's, each naming its field as on the wire. */
export function clientSettingsErrors(settings: ClientSettings): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, uris] of [
    ['redirect_uris', settings.redirectUris],
    ['post_logout_redirect_uris', settings.postLogoutRedirectUris],
  ] as const) {
    if (uris.length > MAX_REDIRECT_URIS)
      errors.push({ field, message: `must hold at most ${MAX_REDIRECT_URIS} URIs` });
    uris.forEach((uri, i) => {
      const problem = redirectUriProblem(uri, settings.clientType);
      if (problem) errors.push({ field: `${field}.${i}`, message: problem });
    });
  }
  errors.push(...grantTypeErrors(settings));
  const unknown = settings.scopes.filter((s) => !isOAuthScope(s));
  if (unknown.length)
    errors.push({ field: 'scopes', message: `unknown scopes: ${unknown.join(', ')}` });
  if (!settings.scopes.length)
    errors.push({ field: 'scopes', message: 'must name at least one scope' });
  if (settings.clientType === 'public' && settings.authMethod !== 'none')
    errors.push({
      field: 'token_endpoint_auth_method',
      message: 'a public client has no secret: its method is none',
    });
  if (settings.clientType === 'confidential' && settings.authMethod === 'none')
    errors.push({
      field: 'token_endpoint_auth_method',
      message: 'a confidential client authenticates with client_secret_basic or client_secret_post',
    });
  return errors;
}

/**
 * The grant types' own rules: known ones, at least one; client credentials only for a
 * client that can keep a secret; the authorization code flow needs somewhere to return to;
 * a refresh token only comes from a flow that issues one.
 */
export function grantTypeErrors(
  settings: Pick<ClientSettings, 'clientType' | 'grantTypes' | 'redirectUris'>,
): FieldError[] {
  const errors: FieldError[] = [];
  const grants = settings.grantTypes;
  const unknown = grants.filter((g) => !(GRANT_TYPES as readonly string[]).includes(g));
  if (unknown.length)
    errors.push({ field: 'grant_types', message: `unknown grant types: ${unknown.join(', ')}` });
  if (!grants.length)
    errors.push({ field: 'grant_types', message: 'must name at least one grant type' });
  if (settings.clientType === 'public' && grants.includes('client_credentials'))
    errors.push({
      field: 'grant_types',
      message: 'client_credentials needs a confidential client',
    });
  if (grants.includes('authorization_code') && !settings.redirectUris.length)
    errors.push({
      field: 'redirect_uris',
      message: 'authorization_code needs at least one redirect URI',
    });
  if (
    grants.includes('refresh_token') &&
    !grants.includes('authorization_code') &&
    !grants.includes(DEVICE_CODE_GRANT)
  )
    errors.push({
      field: 'grant_types',
      message: 'refresh_token needs authorization_code or the device code grant',
    });
  return errors;
}

/** The token endpoint's method: `none` for a public client, basic unless asked otherwise. */
export function authMethodFor(clientType: ClientType, requested?: string): string {
  if (requested) return requested;
  return clientType === 'public' ? 'none' : 'client_secret_basic';
}

/** The same values once each, in their first order. */
export function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
