import { type Profile, SamlStatusError } from '@node-saml/node-saml';
// node-saml's own XML parser (xmldom, with its error handling); the package has no exports map.
import { parseDomFromString } from '@node-saml/node-saml/lib/xml';
import type { Request } from 'express';
import { SAML_CLOCK_SKEW_MS } from './saml-options';
import { confirmationProblem } from './saml-rules';
import { SAML_FIELDS } from './saml-strategy';

/** The largest SAMLResponse field read (base64). */
const MAX_RESPONSE_CHARS = 1_000_000;

/**
 * Why the IdP's post to our assertion consumer service is no sign-in response, before the
 * strategy reads it: no SAMLResponse field, one too large, or a SAML message in the query
 * or a SAMLRequest in the form (the strategy would read those first, as the redirect
 * binding of logout).
 */
export function postedResponseProblem(req: Request): string | undefined {
  const form = (req.body ?? {}) as Record<string, unknown>;
  const samlResponse = form.SAMLResponse;
  if (typeof samlResponse !== 'string' || !samlResponse.trim())
    return 'The identity provider sent no SAML response.';
  if (samlResponse.length > MAX_RESPONSE_CHARS) return 'The SAML response is too large.';
  if (SAML_FIELDS.some((f) => f in (req.query ?? {})) || 'SAMLRequest' in form)
    return 'The identity provider sent no SAML response.';
  return undefined;
}

/** What the assertion node-saml validated must also match. */
export interface ExpectedAssertion {
  /** Our assertion consumer service. */
  acs: string;
  /** The id of our AuthnRequest the response answers (taken once from the shared store). */
  requestId: string;
  issuer: string | undefined;
}

/**
 * What node-saml leaves out of a signed assertion (its signature, conditions and audience
 * are node-saml's): the subject confirmation's recipient, the signed InResponseTo, the
 * issuer (`confirmationProblem`), and the Response's Destination.
 */
export async function assertionProblem(
  profile: Profile,
  expected: ExpectedAssertion,
): Promise<string | undefined> {
  return (
    confirmationProblem(profile.getAssertion?.(), {
      recipient: expected.acs,
      requestId: expected.requestId,
      issuer: expected.issuer,
      now: Date.now(),
      skewMs: SAML_CLOCK_SKEW_MS,
    }) ?? (await destinationProblem(profile.getSamlResponseXml?.(), expected.acs))
  );
}

/** A Response addressed elsewhere (its Destination, when it names one) is not for us. */
export async function destinationProblem(
  xml: string | undefined,
  acs: string,
): Promise<string | undefined> {
  if (!xml) return 'The response could not be read.';
  const destination = (await parseDomFromString(xml)).documentElement.getAttribute('Destination');
  return destination && destination !== acs
    ? 'The response is addressed to another service (destination).'
    : undefined;
}

/** What the person reads when node-saml refuses a response. */
export function responseRefusal(error: unknown): string {
  if (error instanceof SamlStatusError)
    return `The identity provider refused the sign-in (${error.message.slice(0, 150)}).`;
  const message = error instanceof Error ? error.message : String(error);
  if (/InResponseTo/i.test(message))
    return 'This sign-in is unknown, used or expired: start again.';
  return `The identity provider's answer was refused: ${message.slice(0, 200)}`;
}
