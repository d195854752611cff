import { isSecretName, MASK, maskChange, maskSecrets } from './masking';

describe('audit masking', () => {
  it('masks values under secret-looking names, in any spelling, and keeps the rest', () => {
    for (const name of [
      'password',
      'newPassword',
      'new-password',
      'api_key',
      'token',
      'code',
      'client_secret',
      'password_hash',
      'Authorization',
    ])
      expect([name, isSecretName(name)]).toEqual([name, true]);
    for (const name of ['status', 'status_text', 'name', 'keyboard', 'display_name', 'permissions'])
      expect([name, isSecretName(name)]).toEqual([name, false]);
    expect(
      maskSecrets({ email: 'a@b.c', password: 'hunter2', nested: { otp: '123456', n: 1 } }),
    ).toEqual({
      email: 'a@b.c',
      password: MASK,
      nested: { otp: MASK, n: 1 },
    });
  });

  it('masks keys, session tokens and private keys wherever they appear', () => {
    const key = `ak_0123456789ab_${'A'.repeat(43)}`;
    expect(maskSecrets({ note: key, list: [`avs_${'x'.repeat(43)}`, 'plain'] })).toEqual({
      note: MASK,
      list: [MASK, 'plain'],
    });
    expect(maskSecrets('-----BEGIN RSA PRIVATE KEY-----\nabc')).toBe(MASK);
  });

  it('a changed secret keeps only that it changed; other changes keep both values', () => {
    expect(maskChange({ field: 'password', old: '$argon2id$...', new: 'hunter2' })).toEqual({
      field: 'password',
      old: MASK,
      new: MASK,
    });
    expect(maskChange({ field: 'permissions', old: ['a'], new: ['a', 'b'] })).toEqual({
      field: 'permissions',
      old: ['a'],
      new: ['a', 'b'],
    });
  });
});
