/**
 * TanStack Query keys, one place for all: a page reads with `keys.x(...)` and anything that
 * changes the data invalidates the same key (or its prefix, e.g. `keys.goals.all`).
 */
export const keys = {
  me: ['me'] as const,
  config: ['portal-config'] as const,
  stats: ['dashboard', 'stats'] as const,
  widgets: (widget: string) => ['dashboard', 'widgets', widget] as const,
  dashboardGoals: ['dashboard', 'goals'] as const,
  agents: ['dashboard', 'agents'] as const,
  goals: {
    all: ['goals'] as const,
    list: (filters: Record<string, unknown>) => ['goals', 'list', filters] as const,
    one: (id: string) => ['goals', 'one', id] as const,
    tasks: (id: string) => ['goals', 'tasks', id] as const,
    approvals: (id: string) => ['goals', 'approvals', id] as const,
  },
  tenant: ['tenant', 'me'] as const,
  tenantStats: ['tenant', 'me', 'stats'] as const,
  workers: ['workers'] as const,
  sessions: ['sessions'] as const,
  audit: (filters: Record<string, unknown>) => ['audit', filters] as const,
  memory: (filters: Record<string, unknown>) => ['memory', filters] as const,
  tools: ['tools'] as const,
  ssoOptions: (tenant: string) => ['sso-options', tenant] as const,
};
