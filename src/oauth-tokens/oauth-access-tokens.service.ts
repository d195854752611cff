import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  compactVerify,
  createLocalJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import { TtlCache } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { OAuthArtifactRepository } from './oauth-artifact.repository';
import { OAuthSigningKeys } from './oauth-signing-keys.service';
import { SIGNING_ALGORITHMS } from './signing-key-set';

/** What an access token proves, once its signature and its record are checked. */
export interface VerifiedAccessToken {
  jti: string;
  clientId: string;
  /** The signed-in user the token acts for; undefined for client credentials. */
  userId?: string;
  /** The user a client-credentials token acts as: the client's owner. */
  ownerUserId?: string;
  tenantId: string;
  scope: string;
  /** When the token expires (its `exp`). */
  expiresAt: Date;
}

export class AccessTokenRefused extends Error {}

/** The issuer and the API's audience, from PUBLIC_URL. */
export function oauthIdentifiers(config: AppConfig): { issuer: string; audience: string } {
  return { issuer: `${config.publicUrl}/oauth`, audience: `${config.publicUrl}/api` };
}

/**
 * Checks a bearer JWT the authorization server issued: signature against the published
 * keys (RS256 or ES256 only, so neither `none` nor an HMAC keyed with a public key
 * passes), type `at+jwt`, issuer, audience and expiry; then that the token is still on
 * record, which a revocation, a reused refresh token or a deleted client ends. That last
 * answer is cached per process and dropped at once when any process signals a revocation.
 */
@Injectable()
export class OAuthAccessTokens implements OnModuleDestroy {
  private jwks: ReturnType<typeof createLocalJWKSet> | undefined;
  private readonly live: TtlCache<string, boolean>;
  private readonly identifiers: { issuer: string; audience: string };
  private readonly dropAll = () => this.live.clear();
  private readonly dropToken = (id: string) => this.live.delete(id);
  private readonly stopListening: () => void;

  constructor(
    private readonly keys: OAuthSigningKeys,
    private readonly artifacts: OAuthArtifactRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.identifiers = oauthIdentifiers(config);
    this.live = new TtlCache(Math.max(config.AUTH_CACHE_TTL_MS, 1_000), 100_000);
    this.stopListening = keys.onChange(() => (this.jwks = undefined));
    accessInvalidation.on('oauth-grant', this.dropAll);
    accessInvalidation.on('oauth-client', this.dropAll);
    accessInvalidation.on('oauth-token', this.dropToken);
  }

  onModuleDestroy(): void {
    this.stopListening();
    accessInvalidation.off('oauth-grant', this.dropAll);
    accessInvalidation.off('oauth-client', this.dropAll);
    accessInvalidation.off('oauth-token', this.dropToken);
  }

  /** Throws AccessTokenRefused with the reason when the token must not be honoured. */
  async verify(token: string): Promise<VerifiedAccessToken> {
    const payload = await this.verifySignature(token);
    const jti = text(payload.jti);
    const clientId = text(payload.client_id);
    const tenantId = text(payload.tenant_id);
    if (!jti || !clientId || !tenantId || !text(payload.sub))
      throw new AccessTokenRefused('The access token lacks required claims.');
    if (!(await this.onRecord(jti))) throw new AccessTokenRefused('The access token was revoked.');
    const forClient = payload.sub === clientId && payload.owner_user_id !== undefined;
    return {
      jti,
      clientId,
      tenantId,
      scope: text(payload.scope) ?? '',
      expiresAt: new Date(Number(payload.exp) * 1000),
      userId: forClient ? undefined : payload.sub,
      ownerUserId: forClient ? text(payload.owner_user_id) : undefined,
    };
  }

  /**
   * The record id of an access token this server signed, expired or not (introspection and
   * revocation look tokens up by it); undefined for anything else.
   */
  async recordIdOf(token: string): Promise<string | undefined> {
    try {
      const { payload, protectedHeader } = await compactVerify(token, this.keySet(), {
        algorithms: [...SIGNING_ALGORITHMS],
      });
      if (protectedHeader.typ !== 'at+jwt') return undefined;
      const claims = JSON.parse(Buffer.from(payload).toString('utf8')) as JWTPayload;
      return claims.iss === this.identifiers.issuer ? text(claims.jti) : undefined;
    } catch {
      return undefined;
    }
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const jwks = this.keySet();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        ...this.identifiers,
        algorithms: [...SIGNING_ALGORITHMS],
        typ: 'at+jwt',
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new AccessTokenRefused('The access token has expired.');
      throw new AccessTokenRefused('The access token is not valid.');
    }
  }

  private keySet(): ReturnType<typeof createLocalJWKSet> {
    const keys = this.keys.keys();
    if (!keys) throw new AccessTokenRefused('OAuth is not configured on this server.');
    this.jwks ??= createLocalJWKSet({ keys: keys.published });
    return this.jwks;
  }

  private async onRecord(jti: string): Promise<boolean> {
    const cached = this.live.get(jti);
    if (cached !== undefined) return cached;
    const live = (await this.artifacts.liveToken(jti)) !== undefined;
    if (live) this.live.set(jti, true);
    return live;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
