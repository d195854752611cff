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
}
