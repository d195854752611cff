/**
 * The permission catalogue, the built-in roles with their inheritance, and the scopes API
 * keys carry. Pure data and functions: the guard, the role service and the permission-matrix
 * test all read the same definitions.
 */
export const PERMISSIONS = [
  'goal:create',
  'goal:read',
  'goal:update',
  'goal:delete',
  'goal:cancel',
  'goal:approve',
  'agent:create',
  'agent:read',
  'agent:update',
  'agent:delete',
  'agent:execute',
  'tool:read',
  'tool:execute',
  'tool:manage',
  'memory:read',
  'memory:write',
  'memory:delete',
  'user:create',
  'user:read',
  'user:update',
  'user:delete',
  'role:create',
  'role:read',
  'role:update',
  'role:delete',
  'role:assign',
  'tenant:create',
  'tenant:read',
  'tenant:update',
  'tenant:delete',
  'admin:access',
  'admin:settings',
  'admin:system',
  'api-key:create',
  'api-key:read',
  'api-key:rotate',
  'api-key:revoke',
  'api-key:delete',
  'api-key:manage',
  'audit:read',
  'audit:export',
  'webhook:create',
  'webhook:read',
  'webhook:update',
  'webhook:delete',
  'session:read',
  'session:revoke',
  'oauth-client:create',
  'oauth-client:read',
  'oauth-client:update',
  'oauth-client:delete',
  'plugin:read',
  'plugin:manage',
  'mcp:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const PERMISSION_SET: ReadonlySet<string> = new Set(PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return PERMISSION_SET.has(value);
}

export const BUILT_IN_ROLE_NAMES = [
  'system_admin',
  'tenant_admin',
  'operator',
  'viewer',
  'developer',
] as const;
export type BuiltInRoleName = (typeof BUILT_IN_ROLE_NAMES)[number];

export interface RoleDefinition {
  name: string;
  description: string;
  /** Permissions granted directly (inherited ones come from `inherits`). */
  permissions: readonly string[];
  inherits: readonly string[];
  builtIn: boolean;
}

const readOnly = PERMISSIONS.filter(
  (p) =>
    p.endsWith(':read') &&
    ![
      'user:read',
      'role:read',
      'audit:read',
      'session:read',
      'api-key:read',
      'oauth-client:read',
      'plugin:read',
    ].includes(p),
);

export const BUILT_IN_ROLES: Readonly<Record<BuiltInRoleName, RoleDefinition>> = {
  viewer: {
    name: 'viewer',
    description: 'Reads goals, agents, tools, memory, webhooks and the tenant.',
    permissions: readOnly,
    inherits: [],
    builtIn: true,
  },
  operator: {
    name: 'operator',
    description: 'Viewer who also submits, cancels and approves goals and runs agents and tools.',
    permissions: [
      'goal:create',
      'goal:update',
      'goal:cancel',
      'goal:approve',
      'agent:execute',
      'tool:execute',
      'memory:write',
      'api-key:create',
      'api-key:read',
      'api-key:rotate',
      'api-key:revoke',
      'api-key:delete',
      'session:read',
    ],
    inherits: ['viewer'],
    builtIn: true,
  },
  developer: {
    name: 'developer',
    description: 'Viewer who also builds agents, tools and webhooks and manages own API keys.',
    permissions: [
      'agent:create',
      'agent:update',
      'agent:execute',
      'tool:execute',
      'tool:manage',
      'memory:write',
      'webhook:create',
      'webhook:update',
      'webhook:delete',
      'api-key:create',
      'api-key:read',
      'api-key:rotate',
      'api-key:revoke',
      'api-key:delete',
      'session:read',
    ],
    inherits: ['viewer'],
    builtIn: true,
  },
  tenant_admin: {
    name: 'tenant_admin',
    description: 'Everything inside one tenant: users, roles, keys, audit, settings.',
    permissions: [
      'goal:delete',
      'agent:delete',
      'memory:delete',
      'user:create',
      'user:read',
      'user:update',
      'user:delete',
      'role:create',
      'role:read',
      'role:update',
      'role:delete',
      'role:assign',
      'tenant:update',
      'admin:access',
      'admin:settings',
      'api-key:manage',
      'audit:read',
      'audit:export',
      'session:revoke',
      'oauth-client:create',
      'oauth-client:read',
      'oauth-client:update',
      'oauth-client:delete',
      'plugin:read',
      'mcp:manage',
    ],
    inherits: ['operator', 'developer'],
    builtIn: true,
  },
  system_admin: {
    name: 'system_admin',
    description: 'The platform operator: every permission in every tenant.',
    permissions: ['tenant:create', 'tenant:delete', 'admin:system', 'plugin:manage'],
    inherits: ['tenant_admin'],
    builtIn: true,
  },
};

export function isBuiltInRole(name: string): name is BuiltInRoleName {
  return (BUILT_IN_ROLE_NAMES as readonly string[]).includes(name);
}

/**
 * Every permission a set of roles grants, following inheritance (cycles and unknown
 * names are ignored). `lookup` finds custom roles; built-in ones are always known.
 */
export function effectivePermissions(
  roleNames: Iterable<string>,
  lookup: (name: string) => RoleDefinition | undefined = () => undefined,
): Set<string> {
  const granted = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const role = isBuiltInRole(name) ? BUILT_IN_ROLES[name] : lookup(name);
    if (!role) return;
    for (const p of role.permissions) granted.add(p);
    for (const parent of role.inherits) visit(parent);
  };
  for (const name of roleNames) visit(name);
  if (seen.has('system_admin')) for (const p of PERMISSIONS) granted.add(p);
  return granted;
}

/** Names a role reaches through inheritance (itself included). */
export function inheritanceClosure(
  name: string,
  lookup: (name: string) => RoleDefinition | undefined = () => undefined,
): Set<string> {
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const role = isBuiltInRole(n) ? BUILT_IN_ROLES[n] : lookup(n);
    for (const parent of role?.inherits ?? []) visit(parent);
  };
  visit(name);
  return seen;
}

// --- API key scopes --------------------------------------------------------------------

const SCOPE_RESOURCES: Record<string, string> = {
  goal: 'goals',
  agent: 'agents',
  tool: 'tools',
  memory: 'memory',
  user: 'users',
  role: 'roles',
  tenant: 'tenants',
  admin: 'admin',
  'api-key': 'api-keys',
  audit: 'audit',
  webhook: 'webhooks',
  session: 'sessions',
  'oauth-client': 'oauth-clients',
  plugin: 'plugins',
  mcp: 'mcp-servers',
};

export const ADMIN_SCOPE = 'admin:full';

/** The scope an API key needs to use a permission: `read:x` for reads, `write:x` otherwise. */
export function scopeForPermission(permission: string): string {
  if (permission === 'agent:execute') return 'execute:agents';
  if (permission === 'tool:execute') return 'execute:tools';
  const [resource, action] = permission.split(':');
  if (resource === 'admin') return ADMIN_SCOPE;
  const plural = SCOPE_RESOURCES[resource] ?? resource;
  return `${action === 'read' ? 'read' : 'write'}:${plural}`;
}

export const SCOPES: readonly string[] = [
  ...new Set([...PERMISSIONS.map(scopeForPermission), ADMIN_SCOPE]),
].sort();

export function isScope(value: string): boolean {
  return SCOPES.includes(value);
}

/** `admin:full` covers every scope; `write:x` covers `read:x`. */
export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(ADMIN_SCOPE) || granted.includes(required)) return true;
  const [kind, resource] = required.split(':');
  return kind === 'read' && granted.includes(`write:${resource}`);
}
