import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { SsoSettings } from './sso-templates';

type FieldError = { field: string; message: string };

const TEXT_SETTINGS = [
  'idp_issuer',
  'sp_entity_id',
  'name_id_format',
  'email_attribute',
  'name_attribute',
  'groups_attribute',
];

/** A certificate given as PEM or bare base64 (as IdP metadata shows it), as PEM; or undefined. */
export function certificatePem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 20_000) return undefined;
  const body = value.includes('-----BEGIN')
    ? value
    : `-----BEGIN CERTIFICATE-----\n${value.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
  try {
    return new X509Certificate(body).toString();
  } catch {
    return undefined;
  }
}

/** Whether a private key (PEM) can be read: the key that opens encrypted assertions. */
export function isPrivateKeyPem(value: string): boolean {
  try {
    return createPrivateKey(value).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/**
 * A SAML provider's settings checked, and its certificates normalized to PEM: the IdP's
 * signing certificate (`idp_certificate`, required), ours for encryption published in the
 * metadata (`sp_certificate`), the expected IdP issuer, our entity id when the IdP needs a
 * given one, the NameID format, attribute names, and `trust_email` (an administrator's
 * statement that the IdP's email addresses are its own, since SAML says nothing of it).
 */
export function checkSamlSettings(settings: SsoSettings): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['idp_certificate', 'sp_certificate']) {
    if (settings[field] === undefined) continue;
    const pem = certificatePem(settings[field]);
    if (pem) settings[field] = pem;
    else
      errors.push({
        field: `settings.${field}`,
        message: 'must be an X.509 certificate (PEM or base64)',
      });
  }
  for (const field of TEXT_SETTINGS) {
    const value = settings[field];
    if (value !== undefined && (typeof value !== 'string' || !/^\S{1,1024}$/.test(value)))
      errors.push({ field: `settings.${field}`, message: 'must be a name without spaces' });
  }
  if (settings.trust_email !== undefined && typeof settings.trust_email !== 'boolean')
    errors.push({ field: 'settings.trust_email', message: 'must be true or false' });
  return errors;
}
