import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { encrypt } from 'xml-encryption';

export interface KeyPair {
  key: string;
  cert: string;
}

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

/** An RSA key and its self-signed X.509 certificate, from openssl, as an IdP would hold. */
export function generateKeyPair(cn: string): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'saml-idp-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-days',
        '2',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ID of the AuthnRequest carried by a redirect to the IdP (HTTP-Redirect binding). */
export function authnRequestOf(location: string): { id: string; xml: string } {
  const encoded = new URL(location).searchParams.get('SAMLRequest');
  if (!encoded) throw new Error(`No SAMLRequest in ${location}`);
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const id = /<samlp:AuthnRequest[^>]*\sID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error(`No request ID in ${xml}`);
  return { id, xml };
}

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const instant = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
const newId = () => `_${randomBytes(16).toString('hex')}`;

export interface AssertionInput {
  issuer: string;
  audience: string;
  recipient: string;
  inResponseTo: string;
  email: string;
  name?: string;
  groups?: string[];
  /** When the assertion stops being valid, from now (default five minutes). */
  validForMs?: number;
}

/** An unsigned assertion with a bearer confirmation, conditions and attributes. */
export function assertionXml(input: AssertionInput): { id: string; xml: string } {
  const id = newId();
  const until = instant(input.validForMs ?? 300_000);
  const attribute = (name: string, values: string[]) =>
    `<saml:Attribute Name="${escape(name)}">${values
      .map((v) => `<saml:AttributeValue>${escape(v)}</saml:AttributeValue>`)
      .join('')}</saml:Attribute>`;
  const xml =
    `<saml:Assertion xmlns:saml="${SAML}" ID="${id}" Version="2.0" IssueInstant="${instant()}">` +
    `<saml:Issuer>${escape(input.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${EMAIL_FORMAT}">${escape(input.email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData InResponseTo="${escape(input.inResponseTo)}" ` +
    `Recipient="${escape(input.recipient)}" NotOnOrAfter="${until}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${instant(-30_000)}" NotOnOrAfter="${until}">` +
    `<saml:AudienceRestriction><saml:Audience>${escape(input.audience)}</saml:Audience>` +
    `</saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant()}" SessionIndex="${newId()}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>` +
    `urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport` +
    `</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>` +
    attribute('email', [input.email]) +
    attribute('displayName', [input.name ?? input.email]) +
    (input.groups?.length ? attribute('groups', input.groups) : '') +
    `</saml:AttributeStatement></saml:Assertion>`;
  return { id, xml };
}

/**
 * Signs the element with this ID as an IdP does: an enveloped XML signature, RSA-SHA256,
 * exclusive canonicalization, one reference to the element, placed after its Issuer.
 */
export function signElement(xml: string, id: string, signer: KeyPair): string {
  const element = `//*[@ID='${id}']`;
  const sig = new SignedXml({
    privateKey: signer.key,
    publicCert: signer.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: element,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, {
    location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

/** An assertion encrypted to the service provider's certificate (AES-256-GCM, RSA-OAEP). */
export function encryptAssertion(assertion: string, sp: KeyPair): Promise<string> {
  return new Promise((resolve, reject) =>
    encrypt(
      assertion,
      {
        rsa_pub: sp.cert,
        pem: sp.cert,
        encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
        keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
      },
      (error, result) =>
        error
          ? reject(error)
          : resolve(
              `<saml:EncryptedAssertion xmlns:saml="${SAML}">${result}</saml:EncryptedAssertion>`,
            ),
    ),
  );
}

/** A successful Response around the given assertion XML (signed, encrypted, or not). */
export function responseXml(input: {
  issuer: string;
  destination: string;
  inResponseTo: string;
  assertions: string;
}): { id: string; xml: string } {
  const id = newId();
  return {
    id,
    xml:
      `<samlp:Response xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${id}" Version="2.0" ` +
      `IssueInstant="${instant()}" Destination="${escape(input.destination)}" ` +
      `InResponseTo="${escape(input.inResponseTo)}">` +
      `<saml:Issuer>${escape(input.issuer)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>` +
      `</samlp:Status>${input.assertions}</samlp:Response>`,
  };
}
