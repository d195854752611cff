import { rootLogger } from './observability/logger';
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { API_USAGE, isApiCommand, runApiCommand } from './cli/api-cli';
import { ConfigError, loadConfigFromProcess } from './config/app-config';

const USAGE = `Usage: npm run cli -- <command> [options]

  tenants:create --slug <slug> --name <name> [--tier FREE|STARTER|PROFESSIONAL|ENTERPRISE]
  tenants:list
  tenants:purge  purge now the deleted tenants whose retention has ended
  users:create   --email <email> --name <display name> [--password <password>]
                 [--role <role>] [--tenant <id or slug>]
  keys:create    --email <owner email> --name <key name> --scopes <a,b>
                 [--type personal|service|tenant|admin] [--expires <ISO date>] [--tenant <id or slug>]
  bootstrap      create the first administrator and admin key if there is none

These talk to the database directly (DATABASE_URL, or PGlite under DATA_DIR: stop the
server first in embedded mode). Print JSON; an API key is shown once.

${API_USAGE}`;

const DATABASE_COMMANDS = new Set([
  'tenants:create',
  'tenants:list',
  'tenants:purge',
  'users:create',
  'keys:create',
  'bootstrap',
]);

function parseDatabaseCommandOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      type: { type: 'string' },
      expires: { type: 'string' },
      tier: { type: 'string' },
    },
    strict: true,
  });
}

/** The options of a command on the database, or undefined (said, with the usage) when wrong. */
function databaseCommandOptions(args: string[]) {
  try {
    return parseDatabaseCommandOptions(args).values;
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  if (isApiCommand(process.argv.slice(2))) return runApiCommand(process.argv.slice(2));
  if (!DATABASE_COMMANDS.has(command)) {
    console.error(`unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  const values = databaseCommandOptions(rest);
  if (!values) return 2;
  let config;
  try {
    config = { ...loadConfigFromProcess(), PROCESS_JOBS: false, LOG_LEVEL: 'warn' as const };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module');
  const { TenantsService } = await import('./tenancy/tenants.service');
  const { isTenantTier } = await import('./tenancy/tiers');
  const { UsersService } = await import('./identity/users.service');
  const { RbacService } = await import('./rbac/rbac.service');
  const { ApiKeysService, API_KEY_TYPES } = await import('./apikeys/api-keys.service');
  const { BootstrapService } = await import('./auth/bootstrap.service');
  const { PrincipalAccess } = await import('./rbac/principal-access.service');
  const { effectivePermissions } = await import('./rbac/permissions');
  const { DEFAULT_TENANT_ID } = await import('./common/request-context');
  const { DomainError } = await import('#common');

  rootLogger(config.LOG_LEVEL);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error'],
  });
  const need = (name: keyof typeof values) => {
    const value = values[name];
    if (!value) throw new UsageError(`--${name} is required`);
    return value as string;
  };
  const tenantId = async () => {
    if (!values.tenant) return DEFAULT_TENANT_ID;
    const tenant = await app.get(TenantsService).findByRef(values.tenant);
    if (!tenant) throw new UsageError(`no tenant ${values.tenant}`);
    return tenant.id;
  };
  const all = effectivePermissions(['system_admin']);
  try {
    let result: unknown;
    switch (command) {
      case 'tenants:create': {
        const tier = values.tier?.toUpperCase();
        if (tier !== undefined && !isTenantTier(tier))
          throw new UsageError('--tier must be FREE, STARTER, PROFESSIONAL or ENTERPRISE');
        const t = await app
          .get(TenantsService)
          .create({ slug: need('slug'), name: need('name'), tier });
        result = { id: t.id, slug: t.slug, name: t.name, status: t.status, tier: t.tier };
        break;
      }
      case 'tenants:purge': {
        const { TenantPurge } = await import('./tenant-purge/tenant-purge.service');
        result = await app.get(TenantPurge).purgeDue();
        break;
      }
      case 'tenants:list':
        result = (await app.get(TenantsService).list()).map((t) => ({
          id: t.id,
          slug: t.slug,
          name: t.name,
          status: t.status,
          tier: t.tier,
        }));
        break;
      case 'users:create': {
        const tenant = await tenantId();
        const user = await app.get(UsersService).create(tenant, {
          email: need('email'),
          displayName: need('name'),
          password: values.password,
        });
        if (values.role)
          await app
            .get(RbacService)
            .assign(tenant, { userId: user.id, role: values.role }, all, 'cli');
        result = {
          id: user.id,
          tenant_id: user.tenantId,
          email: user.email,
          role: values.role ?? null,
        };
        break;
      }
      case 'keys:create': {
        const tenant = await tenantId();
        const owner = await app.get(UsersService).findByEmail(tenant, need('email'));
        if (!owner) throw new UsageError(`no user ${values.email} in that tenant`);
        const type = (values.type ?? 'service') as (typeof API_KEY_TYPES)[number];
        if (!API_KEY_TYPES.includes(type))
          throw new UsageError(`--type must be one of ${API_KEY_TYPES.join(', ')}`);
        const { key, plaintext } = await app.get(ApiKeysService).create(tenant, owner.id, {
          name: need('name'),
          type,
          scopes: need('scopes')
            .split(',')
            .map((s) => s.trim()),
          // The key acts for its owner: it may not carry scopes the owner's rights do not back.
          creatorPermissions: await app
            .get(PrincipalAccess)
            .permissionsOf({ tenantId: tenant, userId: owner.id }),
          expiresAt: values.expires ? new Date(values.expires) : undefined,
        });
        result = { id: key.id, tenant_id: key.tenantId, scopes: key.scopes, key: plaintext };
        break;
      }
      case 'bootstrap':
        result = await app.get(BootstrapService).run();
        break;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
    console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof DomainError) {
      console.error(`${error.title}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`cli failed: ${error.message}`);
    process.exit(1);
  },
);
