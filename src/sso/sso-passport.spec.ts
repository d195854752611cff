import type { Request } from 'express';
import type passport from 'passport';
import { signInSession, SsoPassport } from './sso-passport';

/** A strategy that does what it is told, as passport's strategies do through their actions. */
function strategy(act: (self: Record<string, (...args: unknown[]) => void>) => void) {
  return {
    name: 'scripted',
    authenticate(this: Record<string, (...args: unknown[]) => void>) {
      act(this);
    },
  } as unknown as passport.Strategy;
}

const request = () => ({ headers: {}, query: {} }) as unknown as Request;

describe('SsoPassport', () => {
  const runner = new SsoPassport();

  it('catches the redirect instead of sending it', async () => {
    const outcome = await runner.run(
      strategy((s) => s.redirect('https://idp.example/authorize?state=s')),
      request(),
    );
    expect(outcome).toEqual({ kind: 'redirect', url: 'https://idp.example/authorize?state=s' });
  });

  it('answers the verified user without a passport session', async () => {
    const req = request() as Request & { user?: unknown };
    const outcome = await runner.run(
      strategy((s) => s.success({ email: 'a@b.test' }, { via: 'idp' })),
      req,
    );
    expect(outcome).toEqual({ kind: 'success', user: { email: 'a@b.test' }, info: { via: 'idp' } });
    expect(req.user).toBeUndefined();
  });

  it('answers a failure, a pass and an error', async () => {
    expect(
      await runner.run(
        strategy((s) => s.fail({ message: 'no' }, 401)),
        request(),
      ),
    ).toEqual({
      kind: 'fail',
      info: { message: 'no' },
    });
    expect(
      await runner.run(
        strategy((s) => s.pass()),
        request(),
      ),
    ).toEqual({ kind: 'pass' });
    await expect(
      runner.run(
        strategy((s) => s.error(new Error('broken'))),
        request(),
      ),
    ).rejects.toThrow('broken');
  });

  it('gives each request its own strategy object', async () => {
    const shared = strategy((s) => s.redirect('https://idp.example/'));
    await runner.run(shared, request());
    expect(Object.keys(shared)).not.toContain('redirect');
  });
});

describe('signInSession', () => {
  it('holds plain fields and the calls passport makes on a session', async () => {
    const session = signInSession({ oidc: { state: 's' } });
    expect({ ...session }).toEqual({ oidc: { state: 's' } });
    const saved = await new Promise((resolve) =>
      (session.save as (done: () => void) => void)(() => resolve(true)),
    );
    expect(saved).toBe(true);
    await new Promise((resolve) =>
      (session.regenerate as (done: () => void) => void)(() => resolve(true)),
    );
    expect({ ...session }).toEqual({});
    expect(JSON.parse(JSON.stringify(signInSession({ a: 1 })))).toEqual({ a: 1 });
  });
});
