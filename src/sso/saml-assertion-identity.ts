import type { Profile } from '@node-saml/node-saml';
import { authnContextsOf, samlIdentity } from './saml-rules';
import type { SamlSubject } from './saml-session.repository';
import type { FederatedIdentity } from './sso-rules';
import type { SsoSettings } from './sso-templates';

/**
 * Who a validated assertion names, by the provider's attribute settings: the NameID and its
 * format, the attributes, and the authentication contexts (whether the IdP asked for a
 * second factor).
 */
export function assertionIdentity(profile: Profile, settings: SsoSettings): FederatedIdentity {
  return samlIdentity(
    {
      nameId: profile.nameID || undefined,
      nameIdFormat: profile.nameIDFormat || undefined,
      attributes: (profile.attributes ?? {}) as Record<string, unknown>,
      authnContexts: authnContextsOf(profile.getAssertion?.()),
    },
    settings,
  );
}

/** The subject and the IdP's session index, kept for single logout; none without a NameID. */
export function assertionSubject(profile: Profile): SamlSubject | undefined {
  return profile.nameID
    ? {
        nameId: profile.nameID,
        nameIdFormat: profile.nameIDFormat || undefined,
        sessionIndex: profile.sessionIndex || undefined,
      }
    : undefined;
}
