/** Which API key scopes a user may grant: the scopes of the permissions they hold. */

const RESOURCES: Record<string, string> = {
  goal: 'goals',
  agent: 'agents',
  tool: 'tools',
  memory: 'memory',
  user: 'users',
  role: 'roles',
  tenant: 'tenants',
  'api-key': 'api-keys',
  audit: 'audit',
  webhook: 'webhooks',
  session: 'sessions',
  'oauth-client': 'oauth-clients',
  plugin: 'plugins',
  mcp: 'mcp-servers',
};

/** The scope a permission is used under, as the API maps it (`goal:create` → `write:goals`). */
export function scopeOf(permission: string): string {
  if (permission === 'agent:execute') return 'execute:agents';
  if (permission === 'tool:execute') return 'execute:tools';
  const [resource, action] = permission.split(':');
  if (resource === 'admin') return 'admin:full';
  return `${action === 'read' ? 'read' : 'write'}:${RESOURCES[resource] ?? resource}`;
}

/** The scopes a key of this user may carry: each backed by a permission the user holds. */
export function grantableScopes(permissions: readonly string[]): string[] {
  return [...new Set(permissions.map(scopeOf))].sort();
}
