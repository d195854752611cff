import { parseSettings, settingsText } from './settings-text';

describe('SSO settings typed as lines', () => {
  it('reads names and values, keeping booleans and lists', () => {
    expect(
      parseSettings(
        'client_id = av-portal\nissuer=https://idp.example/x=1\n\nscopes = ["openid","email"]\ntrust_email = true\nnot a setting',
      ),
    ).toEqual({
      client_id: 'av-portal',
      issuer: 'https://idp.example/x=1',
      scopes: ['openid', 'email'],
      trust_email: true,
    });
  });

  it('writes back what it reads', () => {
    const settings = { client_id: 'a', scopes: ['read:user'], trust_email: false };
    expect(parseSettings(settingsText(settings))).toEqual(settings);
  });
});
