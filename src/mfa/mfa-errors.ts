import { DomainError } from '#common';

/** A second-factor code that does not match (or was already used, or has expired). */
export class MfaCodeInvalid extends DomainError {
  constructor(attemptsLeft?: number) {
    super(
      401,
      'mfa-code-invalid',
      'Invalid code',
      'The verification code is not valid.',
      attemptsLeft === undefined ? {} : { attempts_left: attemptsLeft },
    );
  }
}

/** Too many wrong codes: the user's second factor is locked for a while. */
export class MfaLocked extends DomainError {
  constructor(readonly retryAfterS: number) {
    super(
      429,
      'mfa-locked',
      'Verification locked',
      `Too many wrong verification codes. Try again in ${retryAfterS} s.`,
      { retry_after_s: retryAfterS },
    );
  }
}

/** The challenge token is unknown, used, expired or locked. */
export class MfaChallengeInvalid extends DomainError {
  constructor(detail = 'The sign-in challenge is not valid or has expired; sign in again.') {
    super(401, 'mfa-challenge-invalid', 'Invalid challenge', detail);
  }
}

export class MfaNotConfigured extends DomainError {
  constructor(what: string) {
    super(503, 'mfa-not-configured', 'Not configured', `${what} is not configured on this server.`);
  }
}

export class MfaMethodUnavailable extends DomainError {
  constructor(method: string) {
    super(
      400,
      'mfa-method-unavailable',
      'Method unavailable',
      `The method ${method} is not enrolled for this user.`,
    );
  }
}

export class MfaAlreadyEnrolled extends DomainError {
  constructor(kind: string) {
    super(
      409,
      'mfa-already-enrolled',
      'Already enrolled',
      `The method ${kind} is already active; disable it before enrolling it again.`,
    );
  }
}

export class MfaCodesTooFrequent extends DomainError {
  constructor(readonly retryAfterS: number) {
    super(429, 'mfa-codes-too-frequent', 'Too many codes', 'Too many codes were sent recently.', {
      retry_after_s: retryAfterS,
    });
  }
}
