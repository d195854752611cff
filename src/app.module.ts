import { DynamicModule, Module } from '@nestjs/common';
import { ApiKeysModule } from './apikeys/api-keys.module';
import { AccountModule } from './account/account.module';
import { AuthModule } from './auth/auth.module';
import { OAuthClientsModule } from './oauth/clients/oauth-clients.module';
import { OAuthModule } from './oauth/oauth.module';
import { PluginsModule } from './plugins/plugins.module';
import { HooksModule } from './hooks/hooks.module';
import { SsoModule } from './sso/sso.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { GovernorModule } from './governor/governor.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { UserAdministrationModule } from './user-administration/user-administration.module';
import { LlmModule } from './llm/llm.module';
import { McpServerModule } from './mcp/server/mcp-server.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { QueueModule } from './queue/queue.module';
import { RbacModule } from './rbac/rbac.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TenantAdminModule } from './tenant-admin/tenant-admin.module';
import { TenantPurgeModule } from './tenant-purge/tenant-purge.module';
import { AuditModule } from './audit/audit.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { SafetyModule } from './safety/safety.module';
import { RealtimeModule } from './realtime/realtime.module';
import { ToolsModule } from './tools/tools.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { McpClientModule } from './mcp/client/mcp-client.module';
import { WorkersModule } from './workers/workers.module';
import { PluginMiddlewareModule } from './plugin-middleware/plugin-middleware.module';

/** The whole product; the API and the worker process share it (the worker serves no HTTP). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, role: 'api' | 'worker' = 'api'): DynamicModule {
    const apiOnly =
      role === 'api'
        ? [
            RealtimeModule,
            OAuthModule,
            SsoModule,
            McpServerModule,
            PluginMiddlewareModule,
            ...(config.DASHBOARD_ENABLED ? [DashboardModule] : []),
          ]
        : [];
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, role),
        DatabaseModule,
        EventsModule,
        QueueModule,
        LlmModule,
        SafetyModule,
        ToolsModule,
        PluginsModule,
        HooksModule,
        GovernorModule,
        WorkersModule,
        ApprovalsModule,
        HealthModule,
        TenancyModule,
        TenantAdminModule,
        TenantPurgeModule,
        AuditModule,
        WebhooksModule,
        McpClientModule,
        IdentityModule,
        UserAdministrationModule,
        RbacModule,
        ApiKeysModule,
        OAuthClientsModule,
        AuthModule,
        AccountModule,
        MetricsEndpointModule.forRoot(config),
        ...apiOnly,
      ],
    };
  }
}
