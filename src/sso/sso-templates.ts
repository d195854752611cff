import { checkSamlSettings } from './saml-settings';

/** How a provider speaks: OpenID Connect, plain OAuth 2.0 with a user-info API, or SAML 2.0. */
export type SsoProtocol = 'oidc' | 'oauth2' | 'saml';

export const SSO_TEMPLATES = [
  'google',
  'microsoft',
  'github',
  'okta',
  'auth0',
  'onelogin',
  'oidc',
  'oauth2',
  'saml',
] as const;
export type SsoTemplate = (typeof SSO_TEMPLATES)[number];

/** A provider's settings as stored (secrets apart): what the sign-in needs to reach it. */
export interface SsoSettings {
  issuer?: string;
  client_id?: string;
  scopes?: string[];
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  /** GitHub: where the verified addresses are listed when the profile shows none. */
  emails_endpoint?: string;
  /** Claim (or user-info field) names read for the email, the name and the groups. */
  email_claim?: string;
  name_claim?: string;
  groups_claim?: string;
  /** SAML: the IdP's sign-in URL (HTTP-Redirect binding) and its signing certificate. */
  entry_point?: string;
  /** SAML: the IdP's single logout URL (HTTP-Redirect binding); none, no SAML sign-out. */
  logout_url?: string;
  idp_issuer?: string;
  idp_certificate?: string;
  /** SAML: our entity id when the IdP needs a given one; our encryption certificate. */
  sp_entity_id?: string;
  sp_certificate?: string;
  name_id_format?: string;
  /** SAML attribute names read for the email, the name and the groups. */
  email_attribute?: string;
  name_attribute?: string;
  groups_attribute?: string;
  /** SAML: the administrator vouches that the IdP's email addresses are verified. */
  trust_email?: boolean;
  [key: string]: unknown;
}

export type SettingsResult =
  | { ok: true; protocol: SsoProtocol; settings: SsoSettings }
  | { ok: false; errors: Array<{ field: string; message: string }> };

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const HOST =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
/**
 * An Entra tenant GUID only: for `common`, `organizations`, `consumers` or a domain name,
 * Entra's discovery answers with an issuer other than the one asked for, and openid-client
 * refuses such a discovery document.
 */
const DIRECTORY_TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Template {
  protocol: SsoProtocol;
  /** Settings the administrator must give (besides client_id for OIDC and OAuth 2.0). */
  requires: string[];
  defaults(input: SsoSettings): SsoSettings;
  check?(input: SsoSettings): Array<{ field: string; message: string }>;
}

const hostCheck =
  (field: string, pattern: RegExp, what: string) =>
  (input: SsoSettings): Array<{ field: string; message: string }> =>
    typeof input[field] === 'string' && pattern.test(input[field] as string)
      ? []
      : [{ field: `settings.${field}`, message: `must be ${what}` }];

const TEMPLATES: Record<SsoTemplate, Template> = {
  google: {
    protocol: 'oidc',
    requires: [],
    defaults: () => ({ issuer: 'https://accounts.google.com' }),
  },
  microsoft: {
    protocol: 'oidc',
    requires: ['directory_tenant'],
    check: hostCheck(
      'directory_tenant',
      DIRECTORY_TENANT_ID,
      'a GUID: the directory (tenant) ID from the Entra admin center (common, organizations, ' +
        'consumers and domain names are refused, as their issuer differs from the one asked for)',
    ),
    defaults: (s) => ({
      issuer: `https://login.microsoftonline.com/${String(s.directory_tenant)}/v2.0`,
    }),
  },
  github: {
    protocol: 'oauth2',
    requires: [],
    defaults: () => ({
      authorization_endpoint: 'https://github.com/login/oauth/authorize',
      token_endpoint: 'https://github.com/login/oauth/access_token',
      userinfo_endpoint: 'https://api.github.com/user',
      emails_endpoint: 'https://api.github.com/user/emails',
      scopes: ['read:user', 'user:email'],
      email_claim: 'email',
      name_claim: 'name',
    }),
  },
  okta: {
    protocol: 'oidc',
    requires: ['domain'],
    check: hostCheck('domain', HOST, 'the Okta domain, such as acme.okta.com'),
    defaults: (s) => ({ issuer: `https://${String(s.domain)}` }),
  },
  auth0: {
    protocol: 'oidc',
    requires: ['domain'],
    check: hostCheck('domain', HOST, 'the Auth0 domain, such as acme.eu.auth0.com'),
    defaults: (s) => ({ issuer: `https://${String(s.domain)}/` }),
  },
  onelogin: {
    protocol: 'oidc',
    requires: ['subdomain'],
    check: hostCheck('subdomain', HOST_LABEL, 'the OneLogin subdomain'),
    defaults: (s) => ({ issuer: `https://${String(s.subdomain)}.onelogin.com/oidc/2` }),
  },
  oidc: { protocol: 'oidc', requires: ['issuer'], defaults: () => ({}) },
  oauth2: {
    protocol: 'oauth2',
    requires: ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint'],
    defaults: () => ({}),
  },
  saml: { protocol: 'saml', requires: ['entry_point', 'idp_certificate'], defaults: () => ({}) },
};

const URL_SETTINGS = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'emails_endpoint',
  'entry_point',
  'logout_url',
];

/**
 * A template's settings merged with the administrator's (theirs win), checked: what the
 * template requires is there, URLs are https (http only for the loopback interface, where
 * test and development identity providers run).
 */
export function resolveSettings(template: SsoTemplate, input: SsoSettings): SettingsResult {
  const spec = TEMPLATES[template];
  const errors: Array<{ field: string; message: string }> = [];
  const required = spec.protocol === 'saml' ? spec.requires : ['client_id', ...spec.requires];
  for (const field of required)
    if (typeof input[field] !== 'string' || !(input[field] as string).trim())
      errors.push({ field: `settings.${field}`, message: 'is required for this template' });
  if (!errors.length) errors.push(...(spec.check?.(input) ?? []));
  const settings: SsoSettings = {
    scopes: defaultScopes(spec.protocol),
    ...spec.defaults(input),
    ...input,
  };
  for (const field of URL_SETTINGS) {
    const value = settings[field];
    if (value !== undefined && !isProviderUrl(value))
      errors.push({ field: `settings.${field}`, message: 'must be an https URL' });
  }
  if (spec.protocol === 'saml') errors.push(...checkSamlSettings(settings));
  if (settings.scopes !== undefined && !isScopeList(settings.scopes))
    errors.push({ field: 'settings.scopes', message: 'must be a list of scope names' });
  if (
    spec.protocol === 'oidc' &&
    Array.isArray(settings.scopes) &&
    !settings.scopes.includes('openid')
  )
    settings.scopes = ['openid', ...settings.scopes];
  return errors.length ? { ok: false, errors } : { ok: true, protocol: spec.protocol, settings };
}

function defaultScopes(protocol: SsoProtocol): string[] | undefined {
  return protocol === 'oidc' ? ['openid', 'email', 'profile'] : undefined;
}

function isScopeList(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= 50 &&
    value.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/.test(s))
  );
}

export function isProviderUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2000) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
