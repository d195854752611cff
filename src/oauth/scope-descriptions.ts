import { OAUTH_ADMIN_SCOPE } from '../oauth-tokens/oauth-scopes';

const IDENTITY: Record<string, string> = {
  openid: 'Know who you are',
  profile: 'See your name and tenant',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not signed in',
};

const ACTIONS: Record<string, string> = {
  read: 'Read',
  write: 'Create and change',
  execute: 'Run',
};

/** What a consent page says a scope allows. */
export function describeScope(scope: string): string {
  if (IDENTITY[scope]) return IDENTITY[scope];
  if (scope === OAUTH_ADMIN_SCOPE) return 'Administer everything you can administer';
  const [resource, action] = scope.split(':');
  return `${ACTIONS[action] ?? action} your ${resource.replace(/-/g, ' ')}`;
}
