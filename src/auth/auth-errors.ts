import { DomainError } from '#common';

/** 401: no credentials, or credentials that do not authenticate. */
export class Unauthenticated extends DomainError {
  constructor(detail = 'Authentication is required: send an API key or a session token.') {
    super(401, 'unauthenticated', 'Unauthenticated', detail);
  }
}

/** The same answer for a malformed key, an unknown key id and a wrong secret. */
export class InvalidApiKey extends DomainError {
  constructor() {
    super(401, 'invalid-credentials', 'Invalid credentials', 'The API key is not valid.');
  }
}

/** 400: two credentials in one request (RFC 6750 §2: one method per request), so no guessing. */
export class AmbiguousCredentials extends DomainError {
  constructor() {
    super(
      400,
      'ambiguous-credentials',
      'Ambiguous credentials',
      'Send one credential: an x-api-key header or an Authorization: Bearer header, not both.',
    );
  }
}

export class CredentialNoLongerValid extends DomainError {
  constructor(what: 'expired' | 'revoked' | 'suspended', kind = 'API key') {
    super(401, `credential-${what}`, `Credential ${what}`, `The ${kind} is ${what}.`);
  }
}

export class AccessDenied extends DomainError {
  constructor(detail: string, type = 'forbidden') {
    super(403, type, 'Forbidden', detail);
  }
}

export class TooManyRequests extends DomainError {
  constructor(
    readonly retryAfterS: number,
    detail: string,
  ) {
    super(429, 'rate-limited', 'Too many requests', detail, { retry_after_s: retryAfterS });
  }
}

export class InvalidLogin extends DomainError {
  constructor() {
    super(401, 'invalid-login', 'Invalid login', 'The email or password is not correct.');
  }
}
