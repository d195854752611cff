import type { FederatedIdentity } from './sso-rules';

/** The NameID format of an email address: such a NameID is the email when no attribute is. */
export const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/** Attribute names read when the provider names none: LDAP, OID, Entra ID and plain. */
const DEFAULT_ATTRIBUTES = {
  email: [
    'email',
    'mail',
    'emailAddress',
    'urn:oid:0.9.2342.19200300.100.1.3',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  ],
  name: [
    'displayName',
    'name',
    'cn',
    'urn:oid:2.16.840.1.113730.3.1.241',
    'urn:oid:2.5.4.3',
    'http://schemas.microsoft.com/identity/claims/displayname',
  ],
  groups: [
    'groups',
    'memberOf',
    'urn:oid:1.3.6.1.4.1.5923.1.5.1.1',
    'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  ],
};

/** Authentication contexts (and Entra's method references) that mean a second factor. */
const MFA_CONTEXTS = new Set([
  'https://refeds.org/profile/mfa',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered',
  'urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken',
  'http://schemas.microsoft.com/claims/multipleauthn',
]);
const ENTRA_METHODS = 'http://schemas.microsoft.com/claims/authnmethodsreferences';

/** What a validated (signed) assertion says, as node-saml's profile gives it. */
export interface SamlAssertionFacts {
  nameId?: string;
  nameIdFormat?: string;
  attributes: Record<string, unknown>;
  authnContexts: string[];
}

export interface SamlIdentitySettings {
  email_attribute?: string;
  name_attribute?: string;
  groups_attribute?: string;
  trust_email?: boolean;
}

const texts = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  );

/**
 * The identity in a signed assertion: the email from the named attribute (`NameID` names
 * the subject itself), else a usual email attribute, else a NameID of the email format; the
 * name and groups likewise. SAML says nothing of whether an address is verified: it counts
 * as verified only when the administrator set `trust_email` for this provider.
 */
export function samlIdentity(
  facts: SamlAssertionFacts,
  settings: SamlIdentitySettings,
): FederatedIdentity {
  const read = (configured: string | undefined, defaults: string[]): string[] => {
    if (configured)
      return /^nameid$/i.test(configured)
        ? texts(facts.nameId)
        : texts(facts.attributes[configured]);
    for (const name of defaults) {
      const found = texts(facts.attributes[name]);
      if (found.length) return found;
    }
    return [];
  };
  let email = read(settings.email_attribute, DEFAULT_ATTRIBUTES.email)[0];
  if (!email && !settings.email_attribute && facts.nameIdFormat === EMAIL_NAME_ID)
    email = texts(facts.nameId)[0];
  const normalized = (email ?? '').trim().toLowerCase();
  const given = texts(facts.attributes.givenName)[0];
  const surname = texts(facts.attributes.sn ?? facts.attributes.surname)[0];
  const name =
    read(settings.name_attribute, DEFAULT_ATTRIBUTES.name)[0] ??
    ([given, surname].filter(Boolean).join(' ') || normalized);
  const methods = [...facts.authnContexts, ...texts(facts.attributes[ENTRA_METHODS])];
  return {
    subject: facts.nameId ?? normalized,
    email: normalized,
    emailVerified: settings.trust_email === true,
    name,
    groups: read(settings.groups_attribute, DEFAULT_ATTRIBUTES.groups),
    amr: methods.some((m) => MFA_CONTEXTS.has(m)) ? ['mfa'] : [],
  };
}

/** An element as node-saml's xml2js parse gives it: attributes under `$`, text under `_`. */
type XmlNode = { $?: Record<string, string>; _?: string; [child: string]: unknown };

const children = (node: unknown, name: string): XmlNode[] => {
  const list = node && typeof node === 'object' ? (node as XmlNode)[name] : undefined;
  return Array.isArray(list) ? list.filter((c): c is XmlNode => !!c && typeof c === 'object') : [];
};

/** The facts node-saml leaves out of its profile: the authentication contexts. */
export function authnContextsOf(assertion: unknown): string[] {
  const root = (assertion as { Assertion?: unknown })?.Assertion;
  return children(root, 'AuthnStatement')
    .flatMap((s) => children(s, 'AuthnContext'))
    .flatMap((c) => children(c, 'AuthnContextClassRef'))
    .map((r) => r._ ?? '')
    .filter(Boolean);
}

/**
 * What node-saml does not check in a signed assertion, checked against what we expect:
 * the issuer when the provider names one, and a bearer confirmation (SAML Web Browser SSO
 * profile) for our assertion consumer service (`Recipient`), in response to the request
 * we sent (`InResponseTo`, inside the signature, not only on the unsigned Response) and
 * not expired. Answers the problem, or undefined.
 */
export function confirmationProblem(
  assertion: unknown,
  expected: { recipient: string; requestId: string; issuer?: string; now: number; skewMs: number },
): string | undefined {
  const root = (assertion as { Assertion?: unknown })?.Assertion;
  if (!root || typeof root !== 'object') return 'The response holds no assertion.';
  if (expected.issuer) {
    const issuer = children(root, 'Issuer')[0]?._;
    if (issuer !== expected.issuer) return 'The assertion comes from another issuer.';
  }
  const confirmations = children(root, 'Subject')
    .flatMap((s) => children(s, 'SubjectConfirmation'))
    .filter((c) => c.$?.Method === BEARER)
    .flatMap((c) => children(c, 'SubjectConfirmationData'))
    .map((d) => d.$ ?? {});
  const ours = confirmations.filter((d) => d.Recipient === expected.recipient);
  if (!ours.length) return 'The assertion is not for this service (recipient).';
  const answering = ours.filter((d) => d.InResponseTo === expected.requestId);
  if (!answering.length) return 'The assertion does not answer this sign-in.';
  const current = answering.some((d) => {
    const until = Date.parse(d.NotOnOrAfter ?? '');
    const from = d.NotBefore === undefined ? -Infinity : Date.parse(d.NotBefore);
    return until > expected.now - expected.skewMs && from <= expected.now + expected.skewMs;
  });
  return current ? undefined : 'The assertion has expired.';
}
