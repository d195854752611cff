import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const RELAY_STATE: SchemaObject = {
  type: 'string',
  description: 'The opaque state sent with the request, returned by the identity provider',
};

/** What an identity provider's page posts to the assertion consumer service. */
export const SAML_RESPONSE_FORM: SchemaObject = {
  type: 'object',
  required: ['SAMLResponse'],
  properties: {
    SAMLResponse: { type: 'string', description: 'The base64 SAML Response' },
    RelayState: RELAY_STATE,
  },
};

/** A logout message posted to the single logout service: a response or a request. */
export const SAML_LOGOUT_FORM: SchemaObject = {
  type: 'object',
  properties: {
    SAMLResponse: { type: 'string', description: 'A base64 LogoutResponse' },
    SAMLRequest: { type: 'string', description: 'A base64 LogoutRequest' },
    RelayState: RELAY_STATE,
  },
};

/** The second-factor page's form after an identity provider. */
export const SSO_MFA_FORM: SchemaObject = {
  type: 'object',
  required: ['challenge_token', 'code'],
  properties: {
    challenge_token: { type: 'string', description: 'The challenge the page was given' },
    method: {
      type: 'string',
      enum: ['totp', 'sms', 'email', 'backup_code'],
      default: 'totp',
    },
    code: { type: 'string', description: 'The code from the chosen factor' },
    redirect_to: { type: 'string', description: 'A page of this product to open afterwards' },
  },
};
