/** TanStack Query keys of the administration pages (see query-keys.ts for the rule). */
export const adminKeys = {
  users: {
    all: ['users'] as const,
    list: (offset: number) => ['users', 'list', offset] as const,
  },
  roles: ['roles'] as const,
  permissions: ['roles', 'permissions'] as const,
  assignments: ['roles', 'assignments'] as const,
  apiKeys: ['api-keys'] as const,
  mfa: ['mfa'] as const,
  trustedDevices: ['mfa', 'trusted-devices'] as const,
  tenants: {
    all: ['tenants'] as const,
    stats: (id: string) => ['tenants', 'stats', id] as const,
  },
  ssoProviders: ['sso-providers'] as const,
  oauthClients: (offset: number) => ['oauth-clients', offset] as const,
  webhooks: {
    all: ['webhooks'] as const,
    list: (filters: Record<string, unknown>) => ['webhooks', 'list', filters] as const,
    one: (id: string) => ['webhooks', 'one', id] as const,
    eventTypes: ['webhooks', 'event-types'] as const,
    deliveries: (id: string, filters: Record<string, unknown>) =>
      ['webhooks', 'deliveries', id, filters] as const,
    delivery: (id: string, deliveryId: string) => ['webhooks', 'delivery', id, deliveryId] as const,
  },
  plugins: ['plugins'] as const,
};
