// node-saml's own XML parser (xmldom, with its error handling); the package has no exports map.
import { parseDomFromString } from '@node-saml/node-saml/lib/xml';
import type { Request } from 'express';
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { SsoRefused } from './federated-sign-in.service';
import { SAML_FIELDS } from './saml-strategy';

/** The largest logout message read (a LogoutRequest or LogoutResponse, base64). */
const MAX_LOGOUT_CHARS = 100_000;
const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

const inflate = promisify(inflateRaw);

/** A logout message from the IdP, as it came: by the HTTP-POST or HTTP-Redirect binding. */
export interface LogoutMessage {
  kind: (typeof SAML_FIELDS)[number];
  post: boolean;
  /** The message in base64 (deflated first, by the redirect binding). */
  encoded: string;
  /** By the redirect binding: whether the query carries a signature and its algorithm. */
  signatureGiven: boolean;
}

/** What is read of a logout message's elements (xmldom's, by node-saml's own parser). */
export interface XmlElement {
  nodeType: number;
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
}

/**
 * The one logout message a request to our single logout service carries (in the form when
 * posted, else in the query, and none in the other); refused when there is none or more,
 * or it is too large.
 */
export function logoutMessageOf(req: Request): LogoutMessage {
  const post = req.method === 'POST';
  const fields = ((post ? req.body : req.query) ?? {}) as Record<string, unknown>;
  const other = ((post ? req.query : req.body) ?? {}) as Record<string, unknown>;
  const kind = SAML_FIELDS.find((f) => typeof fields[f] === 'string');
  if (!kind || SAML_FIELDS.some((f) => f in other) || SAML_FIELDS.every((f) => f in fields))
    throw new SsoRefused('The identity provider sent no logout message.');
  const encoded = fields[kind] as string;
  if (encoded.length > MAX_LOGOUT_CHARS) throw new SsoRefused('The logout message is too large.');
  return {
    kind,
    post,
    encoded,
    signatureGiven: typeof fields.Signature === 'string' && typeof fields.SigAlg === 'string',
  };
}

/**
 * The root element of a logout message, once it is known to be the message its field
 * names and, by the redirect binding, to come with a signature (node-saml lets an unsigned
 * redirect through; we do not). Throws why not.
 */
export async function logoutMessageRoot(message: LogoutMessage): Promise<XmlElement> {
  const bytes = Buffer.from(message.encoded, 'base64');
  const xml = (message.post ? bytes : await inflate(bytes)).toString('utf8');
  const root = (await parseDomFromString(xml)).documentElement as XmlElement;
  if (root.localName !== (message.kind === 'SAMLResponse' ? 'LogoutResponse' : 'LogoutRequest'))
    throw new Error('not a logout message');
  if (!message.post && !message.signatureGiven) throw new Error('the message is not signed');
  return root;
}

/** What a LogoutResponse must answer to. */
export interface ExpectedLogoutResponse {
  /** The IdP's issuer, when the provider names one. */
  issuer: string | undefined;
  /** Our single logout service. */
  destination: string;
  /** Our LogoutRequests in the shared store: the one answered is taken from it. */
  requests: { getAsync(id: string): Promise<string | null> };
}

/**
 * What a signed LogoutResponse must also say: success, from the expected issuer,
 * addressed to our single logout service, in response to a LogoutRequest of ours (taken
 * once from the shared store).
 */
export async function logoutResponseProblem(
  root: XmlElement,
  expected: ExpectedLogoutResponse,
): Promise<string | undefined> {
  const child = (parent: XmlElement, name: string) =>
    Array.from(parent.childNodes as ArrayLike<XmlElement>).find(
      (n) => n.nodeType === 1 && n.localName === name,
    );
  const status = child(child(root, 'Status') ?? root, 'StatusCode')?.getAttribute('Value');
  if (status !== SUCCESS) return `the IdP answered ${status ?? 'no status'}`;
  const issuer = child(root, 'Issuer')?.textContent ?? undefined;
  if (expected.issuer && issuer !== expected.issuer) return 'it comes from another issuer';
  const destination = root.getAttribute('Destination');
  if (destination && destination !== expected.destination)
    return 'it is addressed to another service (destination)';
  const inResponseTo = root.getAttribute('InResponseTo');
  if (!inResponseTo || !(await expected.requests.getAsync(inResponseTo)))
    return 'it answers no sign-out of ours';
  return undefined;
}

/** Why a logout message was refused, in a few words. */
export function logoutRefusal(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/InResponseTo/i.test(message)) return 'it answers no sign-out of ours';
  return message.slice(0, 200);
}
