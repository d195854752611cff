import type { Adapter, AdapterPayload } from 'oidc-provider';
import { accessInvalidation } from '../common/access-invalidation';
import {
  ACCESS_TOKEN_MODELS,
  OAuthArtifactRepository,
} from '../oauth-tokens/oauth-artifact.repository';
import type { OAuthClientDirectory } from './oauth-client-directory';

type AdapterConstructor = new (model: string) => Adapter;

/** Thrown when a code or refresh token was used by a concurrent request first. */
export type ReuseError = (description: string) => Error;

const ACCESS_TOKENS: ReadonlySet<string> = new Set(ACCESS_TOKEN_MODELS);

/**
 * The authorization server's storage on our database, shared by every process: what one
 * process issues, another redeems. Clients come from `oauth_clients` (our admin API), the
 * rest from `oauth_artifacts`. Using a code or refresh token is one conditional update, so
 * of two concurrent uses (in any processes) one wins and the other counts as a reuse: the
 * whole grant is revoked, as oidc-provider does for a reuse it sees itself. A revocation
 * reaches the access guard of every process before the request that caused it answers.
 */
export function storageAdapter(
  artifacts: OAuthArtifactRepository,
  clients: OAuthClientDirectory,
  reuse: ReuseError,
): AdapterConstructor {
  return class OAuthStorageAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const clientId = typeof payload.clientId === 'string' ? payload.clientId : undefined;
      const client = clientId ? await clients.find(clientId) : null;
      await artifacts.upsert({
        model: this.model,
        id,
        tenantId: client?.tenantId ?? null,
        grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        payload: payload as Record<string, unknown>,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await clients.find(id))?.metadata;
      return withConsumed(await artifacts.find(this.model, id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return withConsumed(await artifacts.findByUserCode(this.model, userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return withConsumed(await artifacts.findByUid(this.model, uid));
    }

    async consume(id: string): Promise<void> {
      if (await artifacts.consume(this.model, id)) return;
      const grantId = (await artifacts.find(this.model, id))?.payload.grantId;
      if (typeof grantId === 'string') await revokeGrant(artifacts, grantId);
      throw reuse(`${this.model} already used`);
    }

    async destroy(id: string): Promise<void> {
      await artifacts.destroy(this.model, id);
      if (ACCESS_TOKENS.has(this.model)) await accessInvalidation.oauthTokenRevoked(id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await revokeGrant(artifacts, grantId);
    }
  };
}

async function revokeGrant(artifacts: OAuthArtifactRepository, grantId: string): Promise<void> {
  await artifacts.revokeGrant(grantId);
  await accessInvalidation.oauthGrantRevoked(grantId);
}

function withConsumed(
  stored: Awaited<ReturnType<OAuthArtifactRepository['find']>>,
): AdapterPayload | undefined {
  if (!stored) return undefined;
  if (!stored.consumedAt) return stored.payload as AdapterPayload;
  return { ...stored.payload, consumed: Math.floor(stored.consumedAt.getTime() / 1000) };
}
