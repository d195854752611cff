import { accessInvalidation } from '../common/access-invalidation';
import type { OAuthArtifactRepository } from '../oauth-tokens/oauth-artifact.repository';
import type { OAuthClientDirectory } from './oauth-client-directory';
import { storageAdapter } from './oauth-storage-adapter';

class Reused extends Error {}

function fakeRepository(consumeWins: boolean) {
  const calls: string[] = [];
  const repository = {
    consume: async () => consumeWins,
    find: async () => ({ payload: { grantId: 'grant-1' }, consumedAt: new Date(1_000_000) }),
    revokeGrant: async (grantId: string) => {
      calls.push(`revokeGrant:${grantId}`);
      return 3;
    },
    destroy: async () => 'grant-1',
    upsert: async (a: unknown) => void calls.push(`upsert:${JSON.stringify(a)}`),
  } as unknown as OAuthArtifactRepository;
  return { repository, calls };
}

const clients: OAuthClientDirectory = {
  find: async (id) =>
    id === 'avc_x'
      ? {
          metadata: { client_id: 'avc_x' },
          tenantId: 't1',
          ownerUserId: null,
          skipConsent: false,
          scopes: [],
        }
      : null,
};

describe('the authorization server storage adapter', () => {
  it('counts losing the race to use a refresh token as a reuse: the grant is revoked everywhere', async () => {
    const { repository, calls } = fakeRepository(false);
    const signals: string[] = [];
    const listen = (id: string) => signals.push(id);
    accessInvalidation.on('oauth-grant', listen);
    const Adapter = storageAdapter(repository, clients, (d) => new Reused(d));
    await expect(new Adapter('RefreshToken').consume('rt-1')).rejects.toBeInstanceOf(Reused);
    accessInvalidation.off('oauth-grant', listen);
    expect(calls).toEqual(['revokeGrant:grant-1']);
    expect(signals).toEqual(['grant-1']);
  });

  it('uses a token once when it wins', async () => {
    const { repository, calls } = fakeRepository(true);
    const Adapter = storageAdapter(repository, clients, (d) => new Reused(d));
    await new Adapter('AuthorizationCode').consume('code-1');
    expect(calls).toEqual([]);
  });

  it("stores rows under their client's tenant, and reports when they were used", async () => {
    const { repository, calls } = fakeRepository(true);
    const Adapter = storageAdapter(repository, clients, (d) => new Reused(d));
    await new Adapter('AuthorizationCode').upsert(
      'code-1',
      { clientId: 'avc_x', grantId: 'g' },
      60,
    );
    expect(calls[0]).toContain('"tenantId":"t1"');
    expect(calls[0]).toContain('"grantId":"g"');
    expect(await new Adapter('RefreshToken').find('rt-1')).toMatchObject({ consumed: 1000 });
  });
});
