import { hashBasicSecret, hashFormSecret } from './client-authentication-rewrite';
import { hashClientSecret } from './oauth-client-credentials';

describe('client authentication as hashes', () => {
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it('replaces the secret of a Basic header by its hash, decoding it first', () => {
    const secret = 'avcs_a+b c%';
    const encoded = encodeURIComponent(secret).replace(/%20/g, '+');
    expect(hashBasicSecret(basic('avc_id', encoded))).toBe(
      basic('avc_id', hashClientSecret(secret)),
    );
  });

  it('leaves what is not a Basic header with a colon alone', () => {
    expect(hashBasicSecret('Bearer x')).toBe('Bearer x');
    expect(hashBasicSecret(undefined)).toBeUndefined();
    const noColon = `Basic ${Buffer.from('avc_id').toString('base64')}`;
    expect(hashBasicSecret(noColon)).toBe(noColon);
  });

  it('replaces client_secret in a form', () => {
    const form = new URLSearchParams('grant_type=client_credentials&client_secret=s3cret');
    hashFormSecret(form);
    expect(form.get('client_secret')).toBe(hashClientSecret('s3cret'));
    expect(form.get('grant_type')).toBe('client_credentials');
  });
});
