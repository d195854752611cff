import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { toProblem } from '../http/problem.filter';
import type { AppConfig } from '../config/app-config';
import { OAuthNotConfigured } from './oauth-errors';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { RbacService } from '../rbac/rbac.service';
import { OAuthArtifactRepository } from '../oauth-tokens/oauth-artifact.repository';
import { oauthIdentifiers } from '../oauth-tokens/oauth-access-tokens.service';
import {
  grantableResourceScopes,
  keyScopesOfPermissions,
  RESOURCE_SCOPES,
} from '../oauth-tokens/oauth-scopes';
import { OAuthSigningKeys, type OAuthKeySet } from '../oauth-tokens/oauth-signing-keys.service';
import { OAUTH_CLIENT_DIRECTORY } from './oauth-client-directory.provider';
import type { OAuthClientDirectory } from './oauth-client-directory';
import { OAuthPages } from './oauth-pages';
import { loadOidcProvider, type OidcProviderModule } from './oidc-provider-module';
import { type AccountClaims, providerConfiguration } from './provider-configuration';
import { storageAdapter } from './oauth-storage-adapter';
import { securityEvents } from '../observability/security-events';

/**
 * The OAuth 2.0 / OpenID Connect authorization server: oidc-provider, configured on our
 * storage, keys, users and pages, under the issuer `<PUBLIC_URL>/oauth`. A key rotation
 * (here or in another process) builds a new provider on the new keys; all its state is in
 * the database, so requests move from one to the next without loss.
 */
@Injectable()
export class AuthorizationServer implements OnModuleInit {
  private readonly logger = new Logger('AuthorizationServer');
  private module?: OidcProviderModule;
  private current?: Provider;
  private callback?: ReturnType<Provider['callback']>;
  readonly issuer: string;
  readonly audience: string;

  constructor(
    private readonly keys: OAuthSigningKeys,
    private readonly artifacts: OAuthArtifactRepository,
    private readonly users: UsersService,
    private readonly rbac: RbacService,
    @Inject(OAUTH_CLIENT_DIRECTORY) private readonly clients: OAuthClientDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    ({ issuer: this.issuer, audience: this.audience } = oauthIdentifiers(config));
  }

  async onModuleInit(): Promise<void> {
    const keys = this.keys.keys();
    if (!keys) return;
    this.module = await loadOidcProvider();
    this.use(this.build(keys));
    this.keys.onChange((next) => {
      this.use(this.build(next));
      this.logger.log('OAuth signing keys changed: the authorization server uses the new set');
    });
  }

  /** The provider in use, or undefined when OAuth is off (no OAUTH_ENCRYPTION_KEY). */
  get provider(): Provider | undefined {
    return this.current;
  }

  get errors(): OidcProviderModule['errors'] | undefined {
    return this.module?.errors;
  }

  /** Serves one request below /oauth (the path already stripped of the prefix). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const provider = this.current;
    if (!provider) {
      const problem = toProblem(new OAuthNotConfigured(), `/oauth${req.url ?? ''}`.split('?')[0]);
      res.statusCode = problem.status;
      res.setHeader('Content-Type', 'application/problem+json');
      res.end(JSON.stringify(problem));
      return;
    }
    void this.callback!(req, res);
  }

  private use(provider: Provider): void {
    this.current = provider;
    this.callback = provider.callback();
  }

  private build(keys: OAuthKeySet): Provider {
    const module = this.module!;
    const { Provider: ProviderClass, interactionPolicy, errors } = module;
    const policy = interactionPolicy.base();
    // Every authorization passes our own sign-in (session cookie and its second factor):
    // the provider's own session never stands in for it.
    policy
      .get('login')!
      .checks.add(
        new interactionPolicy.Check(
          'agent_village_sign_in',
          'Sign in to Agent Village',
          (ctx: KoaContextWithOIDC) => !ctx.oidc.result?.login,
        ),
      );
    const provider = new ProviderClass(
      this.issuer,
      providerConfiguration({
        config: this.config,
        keys,
        adapter: storageAdapter(
          this.artifacts,
          this.clients,
          (description) => new errors.InvalidGrant(description),
        ),
        artifacts: this.artifacts,
        clients: this.clients,
        pages: new OAuthPages(),
        account: (userId) => this.account(userId),
        ownerScopes: (clientId) => this.ownerScopes(clientId),
        interactionPolicy: policy,
        errors,
      }),
    );
    provider.proxy = this.config.TRUSTED_PROXIES.length > 0;
    provider.on('grant.revoked', (_ctx, grantId: string) =>
      securityEvents.publish({ type: 'oauth.grant_revoked', details: { grant_id: grantId } }),
    );
    provider.on('server_error', (_ctx, error: Error) =>
      this.logger.error(`OAuth server error: ${error.message}`),
    );
    return provider;
  }

  private async account(userId: string): Promise<AccountClaims | undefined> {
    const tenantId = await this.users.homeTenantOf(userId);
    const user = tenantId ? await this.users.find(tenantId, userId) : undefined;
    if (!user || user.status !== 'active') return undefined;
    return { sub: user.id, email: user.email, name: user.displayName, tenant_id: user.tenantId };
  }

  /** A client-credentials token carries what the client may ask for and its owner may do. */
  private async ownerScopes(clientId: string): Promise<string[]> {
    const client = await this.clients.find(clientId);
    if (!client?.ownerUserId) return [];
    const owner = await this.rbac.subject(client.tenantId, client.ownerUserId);
    return grantableResourceScopes(RESOURCE_SCOPES, keyScopesOfPermissions(owner.permissions));
  }
}
