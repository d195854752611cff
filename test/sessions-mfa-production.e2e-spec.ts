import { randomBytes } from 'node:crypto';
import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  startApp,
  TEST_ADMIN_API_KEY,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
  waitFor,
} from '#testing';
import { totpCode } from '../src/mfa/kit/totp';
import { codeIn, startMailbox, startSmsReceiver } from './support/code-receivers';
import { PASSWORD, Principals } from './support/principals';

const STEP_MS = 30_000;

/**
 * Sessions and multi-factor authentication on PostgreSQL and Redis, with real delivery:
 * email codes go through an SMTP server the test runs, SMS codes to a loopback HTTP
 * receiver, TOTP codes are computed from the enrollment secret.
 */
describe('sessions and MFA (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let anonymous: ApiClient;
  let admin: ApiClient;
  let principals: Principals;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let sms: Awaited<ReturnType<typeof startSmsReceiver>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    mailbox = await startMailbox();
    sms = await startSmsReceiver();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      PROCESS_JOBS: 'false',
      AUTH_CACHE_TTL_MS: '0',
      SESSION_COOKIE_SECURE: 'false',
      SESSION_MAX_PER_USER: '4',
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      MFA_MAX_ATTEMPTS: '3',
      MFA_SMTP_URL: mailbox.url,
      MFA_EMAIL_FROM: 'security@agent-village.test',
      MFA_SMS_URL: sms.url,
      MFA_SMS_AUTHORIZATION: 'Bearer sms-provider-secret',
      LOGIN_MAX_FAILURES_PER_IP: '0',
    };
    app = await startApp({ env });
    anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(anonymous, admin);
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([mailbox?.close(), sms?.close()]);
    await db?.drop();
  });

  const login = (email: string, headers: Record<string, string> = {}) =>
    anonymous.post('/api/v1/auth/login', { email, password: PASSWORD }, headers);
  const as = (token: string) => anonymous.withBearer(token);
  const status = async (token: string) => (await as(token).get('/api/v1/auth/me')).status;

  /** A user with TOTP enrolled: the secret, and the step its confirmation used. */
  async function withTotp(email: string, role = 'operator') {
    await principals.createUser(email, role);
    const first = await login(email);
    expect(first.body).toMatchObject({ status: 'authenticated', mfa_verified: false });
    const passwordOnly = (await login(email)).body.token as string;
    const enrolled = await as(first.body.token).post('/api/v1/mfa/totp/enroll');
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(enrolled.body.qr_svg).toContain('<svg');
    const secret: string = enrolled.body.secret;
    const confirmed = await as(first.body.token).post('/api/v1/mfa/totp/confirm', {
      code: totpCode(secret, Date.now()),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.backup_codes).toHaveLength(10);
    for (const code of confirmed.body.backup_codes)
      expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(confirmed.body.token).toBeDefined();
    expect(await status(first.body.token)).toBe(401);
    expect(await status(confirmed.body.token)).toBe(200);
    // a session signed in by password alone ends with the first second factor
    expect(await status(passwordOnly)).toBe(401);
    return {
      secret,
      backupCodes: confirmed.body.backup_codes as string[],
      token: confirmed.body.token as string,
    };
  }

  const verify = (
    challengeToken: string,
    method: string,
    code: string,
    extra = {},
    headers: Record<string, string> = {},
  ) =>
    anonymous.post(
      '/api/v1/auth/mfa/verify',
      { challenge_token: challengeToken, method, code, ...extra },
      headers,
    );

  it('asks a user with TOTP for a code at sign-in, and refuses a replayed code', async () => {
    const { secret } = await withTotp('totp@example.com');
    const challenge = await login('totp@example.com');
    expect(challenge.status).toBe(200);
    expect(challenge.body).toMatchObject({
      status: 'mfa_required',
      methods: ['totp', 'backup_code'],
    });
    expect(challenge.body.token).toBeUndefined();
    expect(challenge.headers.getSetCookie().join()).not.toContain('av_session=');

    const wrong = await anonymous.post('/api/v1/auth/mfa/verify', {
      challenge_token: challenge.body.challenge_token,
      method: 'totp',
      code: '000000' === totpCode(secret, Date.now()) ? '111111' : '000000',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toMatch(/mfa-code-invalid$/);

    const code = totpCode(secret, Date.now() + STEP_MS);
    const verified = await anonymous.post('/api/v1/auth/mfa/verify', {
      challenge_token: challenge.body.challenge_token,
      method: 'totp',
      code,
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ status: 'authenticated', mfa_verified: true });
    expect(await status(verified.body.token)).toBe(200);

    const again = await login('totp@example.com');
    const replay = await anonymous.post('/api/v1/auth/mfa/verify', {
      challenge_token: again.body.challenge_token,
      method: 'totp',
      code,
    });
    expect(replay.status).toBe(401);
    const reused = await anonymous.post('/api/v1/auth/mfa/verify', {
      challenge_token: challenge.body.challenge_token,
      method: 'totp',
      code: totpCode(secret, Date.now() - STEP_MS),
    });
    expect(reused.status).toBe(401);
    expect(reused.body.type).toMatch(/mfa-challenge-invalid$/);
  });

  it('issues a new token at sign-in, after MFA and after elevation; the old ones die', async () => {
    const { secret, token: beforeLogin } = await withTotp('fixation@example.com');
    expect(await status(beforeLogin)).toBe(200);

    const challenge = await login('fixation@example.com', { cookie: `av_session=${beforeLogin}` });
    expect(challenge.body.status).toBe('mfa_required');
    const afterMfa = await verify(
      challenge.body.challenge_token,
      'totp',
      totpCode(secret, Date.now() + STEP_MS),
    );
    expect(afterMfa.status).toBe(200);
    const mfaToken: string = afterMfa.body.token;
    expect(afterMfa.headers.getSetCookie().join()).toContain(`av_session=${mfaToken}`);

    const elevated = await as(mfaToken).post('/api/v1/sessions/current/elevate', {
      password: PASSWORD,
    });
    expect(elevated.status).toBe(200);
    const elevatedToken: string = elevated.body.token;

    expect(new Set([beforeLogin, mfaToken, elevatedToken]).size).toBe(3);
    expect(await status(beforeLogin)).toBe(401);
    expect(await status(mfaToken)).toBe(401);
    expect(await status(elevatedToken)).toBe(200);
  });

  it('accepts each backup code once', async () => {
    const { backupCodes } = await withTotp('backup@example.com');
    const first = await login('backup@example.com');
    const used = await verify(
      first.body.challenge_token,
      'backup_code',
      backupCodes[0].toLowerCase(),
    );
    expect(used.status).toBe(200);
    const second = await login('backup@example.com');
    expect((await verify(second.body.challenge_token, 'backup_code', backupCodes[0])).status).toBe(
      401,
    );
    const other = await verify(second.body.challenge_token, 'backup_code', backupCodes[1]);
    expect(other.status).toBe(200);
    const mfa = await as(other.body.token).get('/api/v1/mfa');
    expect(mfa.body).toMatchObject({ enabled: true, backup_codes_left: 8 });
  });

  it('lets a trusted device skip the challenge until it is revoked', async () => {
    const { backupCodes } = await withTotp('device@example.com');
    const browser = {
      'user-agent':
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
    };
    const challenge = await login('device@example.com', browser);
    const trusted = await verify(
      challenge.body.challenge_token,
      'backup_code',
      backupCodes[0],
      {
        trust_device: true,
        device_name: 'Work laptop',
      },
      browser,
    );
    expect(trusted.status).toBe(200);
    const deviceCookie = trusted.headers.getSetCookie().find((c) => c.startsWith('av_device='))!;
    expect(deviceCookie).toMatch(/HttpOnly/i);
    const cookie = deviceCookie.split(';')[0];

    const skipped = await login('device@example.com', { cookie });
    expect(skipped.body).toMatchObject({ status: 'authenticated', mfa_verified: true });
    const tampered = await login('device@example.com', { cookie: `${cookie.slice(0, -2)}xx` });
    expect(tampered.body.status).toBe('mfa_required');

    const devices = await as(skipped.body.token).get('/api/v1/mfa/trusted-devices');
    expect(devices.body.items).toHaveLength(1);
    expect(devices.body.items[0]).toMatchObject({ name: 'Work laptop' });
    expect(devices.body.items[0].device).toMatchObject({ browser: 'Chrome', os: 'Linux' });
    const revoked = await as(skipped.body.token).delete(
      `/api/v1/mfa/trusted-devices/${devices.body.items[0].id}`,
    );
    expect(revoked.status).toBe(204);
    expect((await login('device@example.com', { cookie })).body.status).toBe('mfa_required');
  });

  it('sends email codes through SMTP, for enrollment and sign-in', async () => {
    await principals.createUser('mail@example.com', 'operator');
    const session = as((await login('mail@example.com')).body.token);
    const enrolled = await session.post('/api/v1/mfa/email/enroll', {});
    expect(enrolled.status).toBe(202);
    expect(enrolled.body.delivery_status).toBe('sent');
    const mail = mailbox.mails.at(-1)!;
    expect(mail.to).toEqual(['mail@example.com']);
    const confirmed = await session.post('/api/v1/mfa/email/confirm', { code: codeIn(mail.text) });
    expect(confirmed.status).toBe(200);

    const challenge = await login('mail@example.com');
    expect(challenge.body.methods).toEqual(['email', 'backup_code']);
    const sent = await anonymous.post('/api/v1/auth/mfa/send', {
      challenge_token: challenge.body.challenge_token,
      method: 'email',
    });
    expect(sent.status).toBe(202);
    const code = codeIn(mailbox.mails.at(-1)!.text);
    const verified = await verify(challenge.body.challenge_token, 'email', code);
    expect(verified.status).toBe(200);
    const status = await as(verified.body.token).get('/api/v1/mfa');
    expect(status.body.methods[0]).toMatchObject({ kind: 'email', status: 'active' });
    expect(status.body.methods[0].destination).not.toBe('mail@example.com');
  });

  it('sends SMS codes to the configured HTTP sender with its credentials', async () => {
    await principals.createUser('phone@example.com', 'operator');
    const session = as((await login('phone@example.com')).body.token);
    const bad = await session.post('/api/v1/mfa/sms/enroll', { phone: '555-0100' });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('phone');
    const enrolled = await session.post('/api/v1/mfa/sms/enroll', { phone: '+15550100199' });
    expect(enrolled.body.delivery_status).toBe('sent');
    const message = sms.messages.at(-1)!;
    expect(message).toMatchObject({
      to: '+15550100199',
      authorization: 'Bearer sms-provider-secret',
    });
    expect(
      (await session.post('/api/v1/mfa/sms/confirm', { code: codeIn(message.message) })).status,
    ).toBe(200);

    const challenge = await login('phone@example.com');
    await anonymous.post('/api/v1/auth/mfa/send', {
      challenge_token: challenge.body.challenge_token,
      method: 'sms',
    });
    const verified = await verify(
      challenge.body.challenge_token,
      'sms',
      codeIn(sms.messages.at(-1)!.message),
    );
    expect(verified.status).toBe(200);
  });

  it('locks the challenge after repeated wrong codes, and the lock survives a restart', async () => {
    const { secret } = await withTotp('brute@example.com');
    const challenge = await login('brute@example.com');
    const wrong = totpCode(secret, Date.now() + 10 * STEP_MS);
    expect((await verify(challenge.body.challenge_token, 'totp', wrong)).status).toBe(401);
    expect((await verify(challenge.body.challenge_token, 'totp', wrong)).status).toBe(401);
    const locked = await verify(challenge.body.challenge_token, 'totp', wrong);
    expect(locked.status).toBe(429);
    expect(locked.body.type).toMatch(/mfa-locked$/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await verify(
      challenge.body.challenge_token,
      'totp',
      totpCode(secret, Date.now() + STEP_MS),
    );
    expect(right.status).not.toBe(200);

    // the audit trail's input: security events in the log
    // (the log reaches the test's pipe a moment after the response that caused it)
    const events = ['auth.logged_in', 'mfa.challenged', 'mfa.failed', 'mfa.locked'];
    await waitFor(() => events.every((event) => app.output().includes(`"msg":"${event}"`)), {
      timeoutMs: 5_000,
      what: 'the security events in the log',
    });
    await app.stop();
    app = await startApp({ env: { ...env, DB_MIGRATE_ON_START: 'false' } });
    anonymous = new ApiClient(app.baseUrl);
    admin = anonymous.withApiKey(TEST_ADMIN_API_KEY);
    principals = new Principals(anonymous, admin);

    const afterRestart = await verify(
      challenge.body.challenge_token,
      'totp',
      totpCode(secret, Date.now() + STEP_MS),
    );
    expect(afterRestart.status).not.toBe(200);
    const again = await login('brute@example.com');
    expect(again.status).toBe(429);
    expect(again.body.type).toMatch(/mfa-locked$/);
  });

  it('refuses a dangerous route to a fresh session until it is elevated', async () => {
    await principals.createUser('keys@example.com', 'operator');
    const fresh = (await login('keys@example.com')).body.token;
    const refused = await as(fresh).post('/api/v1/api-keys', { name: 'k', scopes: ['read:goals'] });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/elevation-required$/);
    const wrong = await as(fresh).post('/api/v1/sessions/current/elevate', { password: 'nope' });
    expect(wrong.status).toBe(401);
    const elevated = await as(fresh).post('/api/v1/sessions/current/elevate', {
      password: PASSWORD,
    });
    expect(elevated.status).toBe(200);
    expect(Date.parse(elevated.body.elevated_until)).toBeGreaterThan(Date.now() + 14 * 60_000);
    const created = await as(elevated.body.token).post('/api/v1/api-keys', {
      name: 'k',
      scopes: ['read:goals'],
    });
    expect(created.status).toBe(201);
  });

  it('lists my sessions, ends one, and ends all others but the current one', async () => {
    await principals.createUser('many@example.com', 'operator');
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++)
      tokens.push((await login('many@example.com', { 'user-agent': `client-${i}` })).body.token);
    const listed = await as(tokens[2]).get('/api/v1/sessions');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(3);
    expect(listed.body.items[0]).toMatchObject({ current: true, status: 'active', type: 'web' });
    expect(listed.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    const ended = await as(tokens[2]).delete(`/api/v1/sessions/${listed.body.items[2].id}`);
    expect(ended.status).toBe(204);
    expect(await status(tokens[0])).toBe(401);

    const all = await as(tokens[2]).post('/api/v1/sessions/revoke-all');
    expect(all.body).toEqual({ revoked: 1 });
    expect(await status(tokens[1])).toBe(401);
    expect(await status(tokens[2])).toBe(200);

    const stranger = (await principals.signedIn('stranger@example.com', 'operator')).client;
    expect((await stranger.delete(`/api/v1/sessions/${listed.body.items[0].id}`)).status).toBe(404);
  });

  it('records what a session is for and the device it was opened from', async () => {
    await principals.createUser('cli@example.com', 'operator');
    const res = await anonymous.post(
      '/api/v1/auth/login',
      { email: 'cli@example.com', password: PASSWORD, session_type: 'cli' },
      {
        'user-agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      },
    );
    const [session] = (await as(res.body.token).get('/api/v1/sessions')).body.items;
    expect(session).toMatchObject({
      type: 'cli',
      auth_method: 'password',
      mfa_verified: false,
      elevated_until: null,
      device: { browser: 'Mobile Safari', os: 'iOS', device_type: 'mobile' },
    });
    const lifetime = Date.parse(session.expires_at) - Date.parse(session.created_at);
    expect(Math.abs(lifetime - 24 * 3_600_000)).toBeLessThan(5_000);
    expect(Date.parse(session.idle_expires_at)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const bad = await anonymous.post('/api/v1/auth/login', {
      email: 'cli@example.com',
      password: PASSWORD,
      session_type: 'tv',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('session_type');
  });

  it('ends the oldest session past the per-user limit', async () => {
    await principals.createUser('limit@example.com', 'operator');
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) tokens.push((await login('limit@example.com')).body.token);
    expect(await status(tokens[0])).toBe(401);
    for (const token of tokens.slice(1)) expect(await status(token)).toBe(200);
  });

  it('lets an administrator lock and unlock a session, with a reason', async () => {
    const user = await principals.createUser('lockme@example.com', 'operator');
    const token = (await login('lockme@example.com')).body.token;
    const sessions = await admin.get(`/api/v1/sessions?user_id=${user.id}`);
    const id = sessions.body.items[0].id;
    expect((await admin.post(`/api/v1/sessions/${id}/lock`, {})).status).toBe(400);
    expect((await admin.post(`/api/v1/sessions/${id}/lock`, { reason: 'suspicious' })).status).toBe(
      204,
    );
    const refused = await as(token).get('/api/v1/auth/me');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('locked');
    expect((await admin.get(`/api/v1/sessions?user_id=${user.id}`)).body.items[0]).toMatchObject({
      status: 'locked',
      lock_reason: 'suspicious',
    });
    const peer = (await principals.signedIn('peer@example.com', 'operator')).client;
    expect((await peer.post(`/api/v1/sessions/${id}/unlock`, { reason: 'x' })).status).toBe(403);
    expect((await admin.post(`/api/v1/sessions/${id}/unlock`, { reason: 'checked' })).status).toBe(
      204,
    );
    expect(await status(token)).toBe(200);
  });

  it('ends a session after its idle timeout and at its absolute lifetime', async () => {
    const user = await principals.createUser('clock@example.com', 'operator');
    const idle = await login('clock@example.com');
    const absolute = await login('clock@example.com');
    expect(await status(idle.body.token)).toBe(200);
    await queryPostgres(
      db.url,
      `UPDATE user_sessions SET last_seen_at = now() - interval '61 minutes' WHERE id = $1`,
      [idle.body.session_id],
    );
    await queryPostgres(
      db.url,
      `UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [absolute.body.session_id],
    );
    expect(await status(idle.body.token)).toBe(401);
    expect(await status(absolute.body.token)).toBe(401);
    const listed = await admin.get(`/api/v1/sessions?user_id=${user.id}`);
    expect(listed.body.items.map((i: { status: string }) => i.status)).toEqual([
      'expired',
      'expired',
    ]);
  });

  it('makes a tenant that requires MFA enroll its users at next sign-in', async () => {
    const enable = await admin.patch('/api/v1/tenants/current', { mfa_required: true });
    expect(enable.status).toBe(200);
    expect(enable.body.mfa_required).toBe(true);
    try {
      await principals.createUser('enroll@example.com', 'operator');
      const first = await login('enroll@example.com');
      expect(first.body).toMatchObject({ status: 'authenticated', mfa_enrollment_required: true });
      const blocked = await as(first.body.token).get('/api/v1/goals');
      expect(blocked.status).toBe(403);
      expect(blocked.body.type).toMatch(/mfa-enrollment-required$/);
      const enrolled = await as(first.body.token).post('/api/v1/mfa/totp/enroll');
      const confirmed = await as(first.body.token).post('/api/v1/mfa/totp/confirm', {
        code: totpCode(enrolled.body.secret, Date.now()),
      });
      expect(confirmed.status).toBe(200);
      expect((await as(confirmed.body.token).get('/api/v1/goals')).status).toBe(200);
    } finally {
      await admin.patch('/api/v1/tenants/current', { mfa_required: false });
    }
  });
});

describe('sessions bound to their address (PostgreSQL)', () => {
  let db: TestDatabase;
  let app: AppProcess;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    app = await startApp({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: uniqueQueuePrefix(),
        PROCESS_JOBS: 'false',
        SESSION_BIND_IP: 'true',
        TRUSTED_PROXIES: '127.0.0.1',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('refuses a session token presented from another address', async () => {
    const from = (ip: string) => new ApiClient(app.baseUrl).withHeaders({ 'x-forwarded-for': ip });
    const principals = new Principals(
      from('198.51.100.7'),
      from('198.51.100.7').withApiKey(TEST_ADMIN_API_KEY),
    );
    await principals.createUser('bound@example.com', 'operator');
    const token = await principals.login('bound@example.com');
    expect((await from('198.51.100.7').withBearer(token).get('/api/v1/auth/me')).status).toBe(200);
    const elsewhere = await from('203.0.113.9').withBearer(token).get('/api/v1/auth/me');
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.detail).toContain('address');
  });
});
