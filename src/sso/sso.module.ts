import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdentityModule } from '../identity/identity.module';
import { RbacModule } from '../rbac/rbac.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { FederatedSignIn } from './federated-sign-in.service';
import { SamlController } from './saml.controller';
import { SamlSessionRepository } from './saml-session.repository';
import { SamlSignIn } from './saml-sign-in.service';
import { SsoDirectoryController } from './sso-directory.controller';
import { SsoLoginStateCleanup } from './sso-login-state-cleanup.job';
import { SsoLoginStateRepository } from './sso-login-state.repository';
import { SsoProviderRepository } from './sso-provider.repository';
import { SsoProviders } from './sso-providers.service';
import { SsoProvidersController } from './sso-providers.controller';
import { SsoResponder } from './sso-responder';
import { ssoSecretSealerProvider } from './sso-secret-sealer.provider';
import { SsoSignInController } from './sso-sign-in.controller';
import { SsoSignIn } from './sso-sign-in.service';

/**
 * Single sign-on for staff (API processes only): each tenant's identity providers, their
 * admin API, and the browser's sign-in through them (OpenID Connect, OAuth 2.0, SAML 2.0).
 */
@Module({
  imports: [AuthModule, IdentityModule, RbacModule, TenancyModule],
  controllers: [
    SsoProvidersController,
    SsoDirectoryController,
    SsoSignInController,
    SamlController,
  ],
  providers: [
    SsoProviderRepository,
    SsoLoginStateRepository,
    SamlSessionRepository,
    ssoSecretSealerProvider,
    SsoProviders,
    FederatedSignIn,
    SsoSignIn,
    SamlSignIn,
    SsoResponder,
    SsoLoginStateCleanup,
  ],
})
export class SsoModule {}
