import { DomainError } from '#common';

/** The session was revoked, expired or locked while the request that needed it ran. */
export class SessionEnded extends DomainError {
  constructor() {
    super(401, 'session-ended', 'Session ended', 'The session has ended; sign in again.');
  }
}
