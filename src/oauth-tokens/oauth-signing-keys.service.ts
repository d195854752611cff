import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { everyInterval, type SealedBox } from '#common';
import { accessInvalidation } from '../common/access-invalidation';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { OAuthKeyRepository, type NewOAuthKeyRow } from './oauth-key.repository';
import { OAUTH_KEY_SEALER } from './oauth-key-sealer.provider';
import {
  generateSigningJwk,
  orderForSigning,
  type PrivateSigningJwk,
  publicPart,
  type PublicSigningJwk,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type StoredKey,
} from './signing-key-set';

export interface OAuthKeySet {
  /** Private JWKs, the signing key of each algorithm first. */
  signing: PrivateSigningJwk[];
  /** What JWKS publishes. */
  published: PublicSigningJwk[];
  /** Keys the authorization server signs its cookies with, newest first. */
  cookieKeys: string[];
}

export interface KeyDescription {
  kid: string;
  alg: string;
  created_at: Date;
  retired_at: Date | null;
  unpublish_after: Date | null;
}

/**
 * The authorization server's keys, kept in `oauth_keys` with their private parts sealed.
 * The first start generates them; a rotation adds new signing keys and retires the old
 * ones, which stay published until every token they signed has expired. Each process reads
 * the set at start, whenever another process signals a rotation, and every
 * OAUTH_KEYS_REFRESH_MS (which also drops keys past their publication).
 */
@Injectable()
export class OAuthSigningKeys implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OAuthSigningKeys');
  private current: OAuthKeySet | undefined;
  private fingerprint = '';
  private rows: KeyDescription[] = [];
  private readonly listeners = new Set<(keys: OAuthKeySet) => void>();
  private stopRefresh?: () => void;
  private readonly onSignal = () => void this.reload().catch((e) => this.warn(e));

  constructor(
    private readonly repository: OAuthKeyRepository,
    @Inject(OAUTH_KEY_SEALER) private readonly sealer: SealedBox | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** False in production without OAUTH_ENCRYPTION_KEY: no keys can be kept, OAuth is off. */
  get available(): boolean {
    return this.sealer !== null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.sealer) {
      this.logger.warn('OAuth is off: set OAUTH_ENCRYPTION_KEY to seal its signing keys.');
      return;
    }
    await this.ensure();
    accessInvalidation.on('oauth-keys', this.onSignal);
    this.stopRefresh = everyInterval(
      this.config.OAUTH_KEYS_REFRESH_MS,
      () => this.reload(),
      (e) => this.warn(e),
    );
  }

  onModuleDestroy(): void {
    accessInvalidation.off('oauth-keys', this.onSignal);
    this.stopRefresh?.();
  }

  keys(): OAuthKeySet | undefined {
    return this.current;
  }

  describe(): KeyDescription[] {
    return this.rows;
  }

  onChange(listener: (keys: OAuthKeySet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * New signing keys for every algorithm; the old ones stop signing now and stay published
   * as long as the longest-lived token they signed can live. Every process uses the new
   * keys before this resolves (or within OAUTH_KEYS_REFRESH_MS without Redis).
   */
  async rotate(): Promise<KeyDescription[]> {
    const sealer = this.requireSealer();
    const fresh = SIGNING_ALGORITHMS.map((alg) => this.signingRow(sealer, alg));
    await this.repository.insert(fresh);
    const keepSeconds =
      Math.max(this.config.OAUTH_ACCESS_TOKEN_TTL_S, this.config.OAUTH_ID_TOKEN_TTL_S) + 60;
    await this.repository.retireSigning(
      fresh.map((row) => row.kid),
      keepSeconds,
    );
    await this.reload();
    await accessInvalidation.oauthKeysChanged();
    return this.rows;
  }

  private async ensure(): Promise<void> {
    const sealer = this.requireSealer();
    const rows = await this.repository.published();
    const missing: NewOAuthKeyRow[] = [];
    for (const alg of SIGNING_ALGORITHMS)
      if (!rows.some((r) => r.purpose === 'signing' && r.alg === alg && !r.retired_at))
        missing.push(this.signingRow(sealer, alg));
    if (!rows.some((r) => r.purpose === 'cookie'))
      missing.push({
        kid: randomBytes(12).toString('base64url'),
        purpose: 'cookie',
        alg: 'HS256',
        public_jwk: null,
        sealed_secret: sealer.seal(randomBytes(32).toString('base64url')),
      });
    if (missing.length) {
      await this.repository.insert(missing);
      this.logger.log(`Generated OAuth keys: ${missing.map((m) => m.alg).join(', ')}`);
    }
    await this.reload();
  }

  private async reload(): Promise<void> {
    const sealer = this.requireSealer();
    const rows = await this.repository.published();
    const fingerprint = rows.map((r) => `${r.kid}:${r.retired_at ? 1 : 0}`).join(',');
    if (fingerprint === this.fingerprint && this.current) return;
    const stored: StoredKey[] = rows.map((r) => ({
      kid: r.kid,
      purpose: r.purpose,
      alg: r.alg,
      retired: r.retired_at !== null,
      secret: sealer.open(r.sealed_secret),
    }));
    const signing = orderForSigning(stored);
    const keys: OAuthKeySet = {
      signing,
      published: signing.map(publicPart),
      cookieKeys: stored.filter((k) => k.purpose === 'cookie').map((k) => k.secret),
    };
    this.current = keys;
    this.fingerprint = fingerprint;
    this.rows = rows
      .filter((r) => r.purpose === 'signing')
      .map((r) => ({
        kid: r.kid,
        alg: r.alg,
        created_at: r.created_at,
        retired_at: r.retired_at,
        unpublish_after: r.unpublish_after,
      }));
    for (const listener of this.listeners) listener(keys);
  }

  private signingRow(sealer: SealedBox, alg: SigningAlgorithm): NewOAuthKeyRow {
    const jwk = generateSigningJwk(alg);
    return {
      kid: jwk.kid,
      purpose: 'signing',
      alg,
      public_jwk: JSON.stringify(publicPart(jwk)),
      sealed_secret: sealer.seal(JSON.stringify(jwk)),
    };
  }

  private requireSealer(): SealedBox {
    if (!this.sealer) throw new Error('OAuth keys cannot be kept without OAUTH_ENCRYPTION_KEY');
    return this.sealer;
  }

  private warn(error: unknown): void {
    this.logger.warn(`Could not re-read the OAuth keys: ${(error as Error).message}`);
  }
}
