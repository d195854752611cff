import { hashClientSecret } from '../oauth-client-credentials';
import type { OAuthClientRow } from './oauth-client.repository';
import { toProviderMetadata } from './provider-metadata';

const row = (changes: Partial<OAuthClientRow> = {}): OAuthClientRow => ({
  client_id: 'avc_AAAAAAAAAAAAAAAAAAAAAA',
  tenant_id: '00000000-0000-0000-0000-000000000001',
  owner_user_id: '00000000-0000-0000-0000-0000000000b1',
  name: 'Reporting',
  client_type: 'confidential',
  secret_hash: hashClientSecret('avcs_secret'),
  auth_method: 'client_secret_post',
  redirect_uris: ['https://app.example.com/cb'],
  post_logout_redirect_uris: ['https://app.example.com/'],
  grant_types: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'goals:read'],
  skip_consent: true,
  created_at: new Date(),
  updated_at: new Date(),
  secret_rotated_at: null,
  ...changes,
});

describe('client metadata for the authorization server', () => {
  it('maps a confidential client, its hash standing as the secret', () => {
    expect(toProviderMetadata(row())).toEqual({
      client_id: 'avc_AAAAAAAAAAAAAAAAAAAAAA',
      client_secret: hashClientSecret('avcs_secret'),
      redirect_uris: ['https://app.example.com/cb'],
      post_logout_redirect_uris: ['https://app.example.com/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'openid goals:read',
      tenant_id: '00000000-0000-0000-0000-000000000001',
      skip_consent: true,
      owner_user_id: '00000000-0000-0000-0000-0000000000b1',
      client_name: 'Reporting',
    });
  });

  it('gives a public client no secret, and a client without the code flow no response type', () => {
    const publicOne = toProviderMetadata(
      row({ client_type: 'public', secret_hash: null, auth_method: 'none', owner_user_id: null }),
    );
    expect(publicOne).toMatchObject({ token_endpoint_auth_method: 'none', owner_user_id: null });
    expect(publicOne.client_secret).toBeUndefined();
    expect('client_secret' in publicOne).toBe(true);
    const machine = toProviderMetadata(row({ grant_types: ['client_credentials'], scopes: [] }));
    expect(machine).toMatchObject({ response_types: [], scope: '' });
  });

  it('hands over copies: the server cannot change the row it was given', () => {
    const stored = row();
    const metadata = toProviderMetadata(stored);
    metadata.redirect_uris.push('https://evil.example.com/');
    metadata.grant_types.push('client_credentials');
    expect(stored.redirect_uris).toEqual(['https://app.example.com/cb']);
    expect(stored.grant_types).toEqual(['authorization_code', 'refresh_token']);
  });
});
