import type { SsoSettings } from './sso-templates';

/**
 * The addresses of a provider on our side: where a sign-in starts, where the identity
 * provider answers (the OAuth redirect URI, the SAML assertion consumer service), and for
 * SAML our service provider's metadata, single logout service and entity id.
 */
export const ssoUrls = {
  login: (publicUrl: string, providerId: string) => `${publicUrl}/sso/login/${providerId}`,
  callback: (publicUrl: string, providerId: string) => `${publicUrl}/sso/callback/${providerId}`,
  samlMetadata: (publicUrl: string, providerId: string) =>
    `${publicUrl}/sso/saml/${providerId}/metadata`,
  /** Where a SAML IdP sends its LogoutResponse, and its own LogoutRequest. */
  samlLogoutCallback: (publicUrl: string, providerId: string) =>
    `${publicUrl}/sso/saml/${providerId}/logout/callback`,
  /** The SAML entity id: the provider's `sp_entity_id` when given, else one per provider. */
  samlEntityId: (publicUrl: string, providerId: string, settings: SsoSettings) =>
    typeof settings.sp_entity_id === 'string' && settings.sp_entity_id
      ? settings.sp_entity_id
      : `${publicUrl}/sso/saml/${providerId}`,
};
