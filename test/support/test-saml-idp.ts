// node-saml's XML parser (xmldom, failing on malformed XML), as the product uses it.
import { parseDomFromString } from '@node-saml/node-saml/lib/xml';
import { execFileSync } from 'node:child_process';
import { createSign, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  /** The IdP's session this sign-in belongs to (default a new one). */
  sessionIndex?: string;
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
    `<saml:AuthnStatement AuthnInstant="${instant()}" ` +
    `SessionIndex="${escape(input.sessionIndex ?? newId())}">` +
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

/** What the IdP reads of parsed XML elements. */
interface XmlElement {
  nodeType: number;
  localName: string;
  namespaceURI: string | null;
  textContent: string | null;
  childNodes: ArrayLike<XmlElement>;
  getAttribute(name: string): string | null;
}

const parse = async (xml: string): Promise<XmlElement> =>
  (await parseDomFromString(xml)).documentElement as XmlElement;
const childrenOf = (parent: XmlElement, name: string, ns: string): XmlElement[] =>
  Array.from(parent.childNodes).filter(
    (n) => n.nodeType === 1 && n.localName === name && n.namespaceURI === ns,
  );

/** A LogoutRequest as the IdP reads it from the service provider's redirect, checked. */
export interface ReceivedLogoutRequest {
  id: string;
  issuer: string;
  destination: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndexes: string[];
  xml: string;
}

/**
 * The LogoutRequest a redirect to the IdP carries (HTTP-Redirect binding), parsed with
 * xmldom as an IdP would and checked against the SAML 2.0 protocol: the root element in
 * the protocol's namespace, version 2.0, an ID, an IssueInstant within a minute, exactly
 * one Issuer and one NameID in the assertion namespace; and no signature, which would
 * come with SigAlg and Signature parameters (the service provider holds no signing key).
 */
export async function logoutRequestOf(location: string): Promise<ReceivedLogoutRequest> {
  const url = new URL(location);
  const encoded = url.searchParams.get('SAMLRequest');
  if (!encoded) throw new Error(`No SAMLRequest in ${location}`);
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const root = await parse(xml);
  if (root.localName !== 'LogoutRequest' || root.namespaceURI !== SAMLP)
    throw new Error(`Not a LogoutRequest: ${xml}`);
  if (root.getAttribute('Version') !== '2.0') throw new Error('LogoutRequest is not version 2.0');
  const id = root.getAttribute('ID');
  if (!id) throw new Error('LogoutRequest without ID');
  const issued = Date.parse(root.getAttribute('IssueInstant') ?? '');
  if (!(Math.abs(Date.now() - issued) < 60_000)) throw new Error('LogoutRequest not current');
  const issuers = childrenOf(root, 'Issuer', SAML);
  const nameIds = childrenOf(root, 'NameID', SAML);
  if (issuers.length !== 1 || nameIds.length !== 1)
    throw new Error(`LogoutRequest needs one Issuer and one NameID: ${xml}`);
  if (url.searchParams.has('Signature') || url.searchParams.has('SigAlg'))
    throw new Error('LogoutRequest unexpectedly signed');
  return {
    id,
    issuer: issuers[0].textContent ?? '',
    destination: root.getAttribute('Destination') ?? '',
    nameId: nameIds[0].textContent ?? '',
    nameIdFormat: nameIds[0].getAttribute('Format'),
    sessionIndexes: childrenOf(root, 'SessionIndex', SAMLP).map((e) => e.textContent ?? ''),
    xml,
  };
}
/** A LogoutResponse of the IdP (Success unless told otherwise), unsigned. */
export function logoutResponseXml(input: {
  issuer: string;
  destination: string;
  inResponseTo: string;
  status?: string;
}): { id: string; xml: string } {
  const id = newId();
  const status = input.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success';
  return {
    id,
    xml:
      `<samlp:LogoutResponse xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${id}" ` +
      `Version="2.0" IssueInstant="${instant()}" Destination="${escape(input.destination)}" ` +
      `InResponseTo="${escape(input.inResponseTo)}">` +
      `<saml:Issuer>${escape(input.issuer)}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="${escape(status)}"/></samlp:Status>` +
      `</samlp:LogoutResponse>`,
  };
}

/** A LogoutRequest of the IdP (IdP-initiated logout) for a subject and session, unsigned. */
export function idpLogoutRequestXml(input: {
  issuer: string;
  destination: string;
  nameId: string;
  sessionIndex?: string;
}): { id: string; xml: string } {
  const id = newId();
  return {
    id,
    xml:
      `<samlp:LogoutRequest xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${id}" ` +
      `Version="2.0" IssueInstant="${instant()}" Destination="${escape(input.destination)}" ` +
      `NotOnOrAfter="${instant(300_000)}">` +
      `<saml:Issuer>${escape(input.issuer)}</saml:Issuer>` +
      `<saml:NameID Format="${EMAIL_FORMAT}">${escape(input.nameId)}</saml:NameID>` +
      (input.sessionIndex
        ? `<samlp:SessionIndex>${escape(input.sessionIndex)}</samlp:SessionIndex>`
        : '') +
      `</samlp:LogoutRequest>`,
  };
}

/**
 * The query string of a message sent by the HTTP-Redirect binding: deflated, base64, and
 * signed as the binding says (the signature over `SAMLResponse=…&RelayState=…&SigAlg=…`,
 * RSA-SHA256) when a signer is given.
 */
export function redirectQuery(
  param: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  signer?: KeyPair,
  relayState?: string,
): string {
  const parts = [`${param}=${encodeURIComponent(deflateRawSync(xml).toString('base64'))}`];
  if (relayState) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  if (!signer) return parts.join('&');
  parts.push(`SigAlg=${encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256')}`);
  const signature = createSign('RSA-SHA256').update(parts.join('&')).sign(signer.key, 'base64');
  return `${parts.join('&')}&Signature=${encodeURIComponent(signature)}`;
}

/** A LogoutResponse read from a redirect back to the IdP (HTTP-Redirect binding). */
export async function logoutResponseOf(location: string): Promise<{
  inResponseTo: string | null;
  status: string | null;
  issuer: string;
}> {
  const encoded = new URL(location).searchParams.get('SAMLResponse');
  if (!encoded) throw new Error(`No SAMLResponse in ${location}`);
  const xml = inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8');
  const root = await parse(xml);
  if (root.localName !== 'LogoutResponse') throw new Error(`Not a LogoutResponse: ${xml}`);
  const status = childrenOf(root, 'Status', SAMLP).flatMap((s) =>
    childrenOf(s, 'StatusCode', SAMLP),
  )[0];
  return {
    inResponseTo: root.getAttribute('InResponseTo'),
    status: status?.getAttribute('Value') ?? null,
    issuer: childrenOf(root, 'Issuer', SAML)[0]?.textContent ?? '',
  };
}
