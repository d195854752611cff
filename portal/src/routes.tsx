import type { ComponentType } from 'react';
import type { Me } from './api/types';
import { can, isSystemAdmin } from './auth/permissions';
import { AgentsPage } from './pages/agents/agents-page';
import { ApiKeysPage } from './pages/api-keys/api-keys-page';
import { ApprovalsPage } from './pages/approvals/approvals-page';
import { AuditPage } from './pages/audit/audit-page';
import { GoalDetailPage } from './pages/goals/goal-detail-page';
import { GoalsPage } from './pages/goals/goals-page';
import { MemoryPage } from './pages/memory/memory-page';
import { OAuthClientsPage } from './pages/oauth-clients/oauth-clients-page';
import { OverviewPage } from './pages/overview/overview-page';
import { PluginsPage } from './pages/plugins/plugins-page';
import { RolesPage } from './pages/roles/roles-page';
import { SecurityPage } from './pages/security/security-page';
import { SessionsPage } from './pages/sessions/sessions-page';
import { SsoPage } from './pages/sso/sso-page';
import { SettingsPage } from './pages/settings/settings-page';
import { TenantPage } from './pages/tenant/tenant-page';
import { TenantsPage } from './pages/tenants/tenants-page';
import { ToolsPage } from './pages/tools/tools-page';
import { UsersPage } from './pages/users/users-page';
import { WebhookDetailPage } from './pages/webhooks/webhook-detail-page';
import { WebhooksPage } from './pages/webhooks/webhooks-page';
import { WorkersPage } from './pages/workers/workers-page';

export type NavSection = 'Work' | 'Tenant' | 'Administration' | 'Account';
export const NAV_SECTIONS: NavSection[] = ['Work', 'Tenant', 'Administration', 'Account'];

/**
 * One page of the portal. Adding a page: a component under pages/<area>/, one entry here.
 * `allowed` hides the nav link and guards the route (the API refuses anyway); a page
 * without `nav` is reached by links only (e.g. a goal's detail).
 */
export interface PortalRoute {
  /** A wouter pattern: `/goals/:id`. */
  path: string;
  title: string;
  component: ComponentType;
  nav?: { label: string; section: NavSection };
  /** Who may open it; everyone signed in when absent. */
  allowed?: (me: Me) => boolean;
  /** Shown when `allowed` says no: what the user lacks. */
  requirement?: string;
}

const permission = (name: string) => ({
  allowed: (me: Me) => can(me, name),
  requirement: `the ${name} permission`,
});

export const ROUTES: PortalRoute[] = [
  {
    path: '/',
    title: 'Overview',
    component: OverviewPage,
    nav: { label: 'Overview', section: 'Work' },
  },
  {
    path: '/goals',
    title: 'Goals',
    component: GoalsPage,
    nav: { label: 'Goals', section: 'Work' },
    ...permission('goal:read'),
  },
  { path: '/goals/:id', title: 'Goal', component: GoalDetailPage, ...permission('goal:read') },
  {
    path: '/approvals',
    title: 'Approvals',
    component: ApprovalsPage,
    nav: { label: 'Approvals', section: 'Work' },
    ...permission('goal:read'),
  },
  {
    path: '/agents',
    title: 'Agents',
    component: AgentsPage,
    nav: { label: 'Agents', section: 'Work' },
    ...permission('agent:read'),
  },
  {
    path: '/memory',
    title: 'Memory',
    component: MemoryPage,
    nav: { label: 'Memory', section: 'Work' },
    ...permission('memory:read'),
  },
  {
    path: '/tools',
    title: 'Tools',
    component: ToolsPage,
    nav: { label: 'Tools', section: 'Work' },
    ...permission('tool:read'),
  },
  {
    path: '/tenant',
    title: 'My tenant',
    component: TenantPage,
    nav: { label: 'My tenant', section: 'Tenant' },
    ...permission('tenant:read'),
  },
  {
    path: '/audit',
    title: 'Audit log',
    component: AuditPage,
    nav: { label: 'Audit log', section: 'Tenant' },
    ...permission('audit:read'),
  },
  {
    path: '/users',
    title: 'Users',
    component: UsersPage,
    nav: { label: 'Users', section: 'Tenant' },
    ...permission('user:read'),
  },
  {
    path: '/roles',
    title: 'Roles',
    component: RolesPage,
    nav: { label: 'Roles', section: 'Tenant' },
    ...permission('role:read'),
  },
  {
    path: '/api-keys',
    title: 'API keys',
    component: ApiKeysPage,
    nav: { label: 'API keys', section: 'Tenant' },
    ...permission('api-key:read'),
  },
  {
    path: '/sso',
    title: 'Single sign-on',
    component: SsoPage,
    nav: { label: 'Single sign-on', section: 'Tenant' },
    allowed: (me: Me) => can(me, 'admin:access'),
    requirement: 'tenant administrator rights',
  },
  {
    path: '/oauth-clients',
    title: 'OAuth clients',
    component: OAuthClientsPage,
    nav: { label: 'OAuth clients', section: 'Tenant' },
    ...permission('oauth-client:read'),
  },
  {
    path: '/webhooks',
    title: 'Webhooks',
    component: WebhooksPage,
    nav: { label: 'Webhooks', section: 'Tenant' },
    ...permission('webhook:read'),
  },
  {
    path: '/webhooks/:id',
    title: 'Webhook',
    component: WebhookDetailPage,
    ...permission('webhook:read'),
  },
  {
    path: '/settings',
    title: 'Portal settings',
    component: SettingsPage,
    nav: { label: 'Settings', section: 'Tenant' },
    ...permission('admin:settings'),
  },
  {
    path: '/admin/tenants',
    title: 'Tenants',
    component: TenantsPage,
    nav: { label: 'Tenants', section: 'Administration' },
    allowed: isSystemAdmin,
    requirement: 'platform administrator rights',
  },
  {
    path: '/admin/plugins',
    title: 'Plugins',
    component: PluginsPage,
    nav: { label: 'Plugins', section: 'Administration' },
    ...permission('plugin:read'),
  },
  {
    path: '/workers',
    title: 'Workers',
    component: WorkersPage,
    nav: { label: 'Workers', section: 'Administration' },
    allowed: isSystemAdmin,
    requirement: 'platform administrator rights',
  },
  {
    path: '/account/sessions',
    title: 'My sessions',
    component: SessionsPage,
    nav: { label: 'Sessions', section: 'Account' },
  },
  {
    path: '/account/security',
    title: 'My security',
    component: SecurityPage,
    nav: { label: 'Security', section: 'Account' },
  },
];

/** The link's test id: `nav-goals`, `nav-account-sessions`. */
export function navTestId(route: PortalRoute): string {
  return `nav-${route.path.replace(/^\//, '').replace(/\//g, '-') || 'overview'}`;
}
