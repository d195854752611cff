import { accessInvalidation } from '../../common/access-invalidation';
import { UsersService } from '../../identity/users.service';
import { TenantsService } from '../../tenancy/tenants.service';
import type { InProcessApp } from '../../testing/in-process-app';
import { hashClientSecret } from '../oauth-client-credentials';
import { OAuthClientRepository } from './oauth-client.repository';
import { OAuthClientsService } from './oauth-clients.service';
import { toProviderMetadata } from './provider-metadata';

export function oauthClientsServiceSuite(product: InProcessApp): void {
  describe('OAuth clients in process (in-memory PGlite)', () => {
    let clients: OAuthClientsService;
    let repository: OAuthClientRepository;
    let tenantA: string;
    let tenantB: string;
    let ownerA: string;
    let ownerB: string;
    const admin = { mayManageFirstParty: true };
    const developer = { mayManageFirstParty: false };
    const signalled: string[] = [];
    const listener = (clientId: string) => signalled.push(clientId);

    beforeAll(async () => {
      clients = product.app.get(OAuthClientsService);
      repository = product.app.get(OAuthClientRepository);
      const tenants = product.app.get(TenantsService);
      tenantA = (await tenants.create({ slug: 'oauth-a', name: 'A' })).id;
      tenantB = (await tenants.create({ slug: 'oauth-b', name: 'B' })).id;
      const users = product.app.get(UsersService);
      ownerA = (await users.create(tenantA, { email: 'a@example.com', displayName: 'A' })).id;
      ownerB = (await users.create(tenantB, { email: 'b@example.com', displayName: 'B' })).id;
      accessInvalidation.on('oauth-client', listener);
    });

    afterAll(() => accessInvalidation.off('oauth-client', listener));

    const web = { name: 'Web', redirectUris: ['https://app.example.com/cb'] };

    it('registers a confidential client with the defaults, its secret answered once as a hash kept', async () => {
      const { client, secret } = await clients.create(tenantA, ownerA, web, developer);
      expect(client).toMatchObject({
        tenantId: tenantA,
        ownerUserId: ownerA,
        clientType: 'confidential',
        authMethod: 'client_secret_basic',
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'email', 'offline_access'],
        skipConsent: false,
        postLogoutRedirectUris: [],
      });
      expect(client.clientId).toMatch(/^avc_/);
      expect(secret).toMatch(/^avcs_/);
      const row = await repository.byClientId(client.clientId);
      expect(row?.secret_hash).toBe(hashClientSecret(secret!));
      expect(toProviderMetadata(row!).client_secret).toBe(hashClientSecret(secret!));
    });

    it('registers a public client without a secret; refuses skip_consent to a non-administrator', async () => {
      const { client, secret } = await clients.create(
        tenantA,
        ownerA,
        { name: 'App', clientType: 'public', redirectUris: ['com.example.app:/cb'] },
        developer,
      );
      expect([client.authMethod, secret]).toEqual(['none', undefined]);
      await expect(
        clients.create(tenantA, ownerA, { ...web, skipConsent: true }, developer),
      ).rejects.toMatchObject({ status: 403, type: 'forbidden-first-party-client' });
      await expect(
        clients.create(tenantA, ownerA, { ...web, skipConsent: true }, admin),
      ).resolves.toMatchObject({ client: { skipConsent: true } });
    });

    it('keeps each tenant to its own clients and pages them newest first', async () => {
      const { client } = await clients.create(tenantB, ownerB, web, admin);
      await expect(clients.get(tenantA, client.clientId)).rejects.toMatchObject({ status: 404 });
      await expect(clients.delete(tenantA, client.clientId)).rejects.toMatchObject({ status: 404 });
      await expect(clients.rotateSecret(tenantA, client.clientId, admin)).rejects.toMatchObject({
        status: 404,
      });
      expect((await clients.get(tenantB, client.clientId)).clientId).toBe(client.clientId);
      const all = await clients.list(tenantA, 100, 0);
      expect(all.total).toBe(3);
      const firstTwo = await clients.list(tenantA, 2, 0);
      const rest = await clients.list(tenantA, 2, 2);
      expect([...firstTwo.items, ...rest.items].map((c) => c.clientId)).toEqual(
        all.items.map((c) => c.clientId),
      );
      expect(all.items.map((c) => c.tenantId)).toEqual([tenantA, tenantA, tenantA]);
    });

    it('changes settings checked together with the ones left, and signals the change', async () => {
      const { client } = await clients.create(tenantA, ownerA, web, developer);
      signalled.length = 0;
      const changed = await clients.update(
        tenantA,
        client.clientId,
        { name: 'Renamed', scopes: ['openid', 'goals:read', 'openid'] },
        developer,
      );
      expect(changed).toMatchObject({ name: 'Renamed', scopes: ['openid', 'goals:read'] });
      expect(changed.redirectUris).toEqual(web.redirectUris);
      expect(signalled).toEqual([client.clientId]);
      await expect(
        clients.update(tenantA, client.clientId, { redirectUris: [] }, developer),
      ).rejects.toMatchObject({ status: 400, errors: [{ field: 'redirect_uris' }] });
      await expect(
        clients.update(tenantA, client.clientId, { skipConsent: true }, developer),
      ).rejects.toMatchObject({ status: 403 });
      await clients.update(tenantA, client.clientId, { skipConsent: true }, admin);
      await expect(
        clients.update(
          tenantA,
          client.clientId,
          { redirectUris: ['https://x.example/'] },
          developer,
        ),
      ).rejects.toMatchObject({ status: 403 });
      expect(
        await clients.update(tenantA, client.clientId, { name: 'Still first party' }, developer),
      ).toMatchObject({ name: 'Still first party', skipConsent: true });
    });

    it('applies a change only while the settings it was checked against still hold', async () => {
      const { client } = await clients.create(tenantA, ownerA, web, developer);
      const current = (await repository.byId(tenantA, client.clientId))!;
      await repository.update(
        tenantA,
        client.clientId,
        { redirect_uris: ['https://b.example/'] },
        current,
      );
      expect(
        await repository.update(
          tenantA,
          client.clientId,
          { grant_types: ['refresh_token'] },
          current,
        ),
      ).toBeUndefined();
      expect((await repository.byId(tenantA, client.clientId))?.grant_types).toEqual(
        current.grant_types,
      );
    });

    it('rotates a confidential secret and deletes, signalling both; a public client has no secret', async () => {
      const { client, secret } = await clients.create(tenantA, ownerA, web, developer);
      signalled.length = 0;
      const rotated = await clients.rotateSecret(tenantA, client.clientId, developer);
      expect(rotated.secret).not.toBe(secret);
      expect(rotated.client.secretRotatedAt).toBeInstanceOf(Date);
      expect((await repository.byClientId(client.clientId))?.secret_hash).toBe(
        hashClientSecret(rotated.secret),
      );
      const publicOne = await clients.create(
        tenantA,
        ownerA,
        { ...web, clientType: 'public' },
        developer,
      );
      await expect(
        clients.rotateSecret(tenantA, publicOne.client.clientId, admin),
      ).rejects.toMatchObject({ status: 409, type: 'oauth-client-public' });
      await clients.delete(tenantA, client.clientId);
      expect(signalled).toEqual([client.clientId, client.clientId]);
      await expect(clients.get(tenantA, client.clientId)).rejects.toMatchObject({ status: 404 });
      await expect(clients.delete(tenantA, client.clientId)).rejects.toMatchObject({ status: 404 });
      expect(await repository.byClientId(client.clientId)).toBeUndefined();
    });
  });
}
