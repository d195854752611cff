/**
 * What a route demands, as its decorators declare it. The guard enforces it, and the
 * OpenAPI document carries it (`x-access`) so the permission matrix is derived from the
 * real routes.
 */
export interface AccessPolicy {
  public?: true;
  /** Any authenticated caller (e.g. /auth/me, /auth/logout). */
  authenticated?: true;
  permission?: string;
  resourceType?: string;
  idParam?: string;
  /** Any one of these roles. */
  roles?: string[];
  admin?: 'tenant' | 'system';
  /** API keys must carry every one of these scopes. */
  scopes?: string[];
  /** Only a signed-in user's session, not an API key. */
  session?: true;
  /** Sessions must have passed a second factor (API keys pass). */
  mfa?: true;
  /** Sessions must be elevated: re-authenticated within the last minutes (API keys pass). */
  elevated?: true;
  /** Open to a session whose tenant requires MFA before the user has enrolled. */
  enrollment?: true;
}
