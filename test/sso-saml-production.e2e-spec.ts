import {
  ApiClient,
  AppProcess,
  createPostgresDatabase,
  queryPostgres,
  startApp,
  TEST_ADMIN_EMAIL,
  TEST_ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TestDatabase,
  uniqueQueuePrefix,
} from '#testing';
import {
  assertionXml,
  type AssertionInput,
  authnRequestOf,
  encryptAssertion,
  generateKeyPair,
  idpLogoutRequestXml,
  type KeyPair,
  logoutRequestOf,
  logoutResponseOf,
  logoutResponseXml,
  redirectQuery,
  responseXml,
  signElement,
} from './support/test-saml-idp';
import { Principals } from './support/principals';

const IDP_ISSUER = 'https://idp.acme.test/saml';
const ENTRY_POINT = 'https://idp.acme.test/saml/sso';
const LOGOUT_URL = 'https://idp.acme.test/saml/slo';

interface SamlProvider {
  id: string;
  acs: string;
  entityId: string;
  /** Our single logout service, when the provider has a logout URL. */
  slo?: string;
}

/**
 * Staff sign in through their tenant's SAML 2.0 identity provider, on the built product in
 * production mode. The test is the IdP (an RSA key and certificate from openssl, responses
 * signed with xml-crypto) and the browser: it starts at /sso/login, reads the AuthnRequest
 * id from the redirect, and posts the signed response to the assertion consumer service.
 * Just-in-time users with mapped roles, encrypted assertions, the metadata; and refusals,
 * each a 400 without a session: nothing signed, only the response signed, signature
 * wrapping, another key, another audience, another recipient, an expired assertion, a
 * replayed response, a blocked domain, an unverified email for an existing account.
 */
describe('single sign-on with SAML 2.0 (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let app: AppProcess;
  let tenantId: string;
  let idp: KeyPair;
  let stranger: KeyPair;
  let spKeys: KeyPair;
  let main: SamlProvider;
  let encrypted: SamlProvider;
  let untrusted: SamlProvider;
  let withLogout: SamlProvider;

  /** Starts a sign-in as the browser does: the redirect to the IdP and its request id. */
  async function startSignIn(provider: SamlProvider, redirectTo = '/') {
    const res = await fetch(
      `${app.baseUrl}/sso/login/${provider.id}?redirect_to=${encodeURIComponent(redirectTo)}`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${ENTRY_POINT}?`)).toBe(true);
    return authnRequestOf(location);
  }

  /** What the IdP would assert for this sign-in, with the test's changes. */
  function claims(provider: SamlProvider, requestId: string, change: Partial<AssertionInput>) {
    return {
      issuer: IDP_ISSUER,
      audience: provider.entityId,
      recipient: provider.acs,
      inResponseTo: requestId,
      email: 'alice@acme.test',
      name: 'Alice',
      groups: ['engineers', 'staff'],
      ...change,
    };
  }

  /** A response with one assertion signed by `signer` (the IdP unless told otherwise). */
  function signedResponse(
    provider: SamlProvider,
    requestId: string,
    change: Partial<AssertionInput> = {},
    signer = idp,
  ): string {
    const assertion = assertionXml(claims(provider, requestId, change));
    return responseXml({
      issuer: IDP_ISSUER,
      destination: provider.acs,
      inResponseTo: requestId,
      assertions: signElement(assertion.xml, assertion.id, signer),
    }).xml;
  }

  /** Posts a response to the assertion consumer service as the IdP's page makes the browser do. */
  async function post(provider: SamlProvider, xml: string) {
    const res = await fetch(provider.acs, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        SAMLResponse: Buffer.from(xml).toString('base64'),
        RelayState: '',
      }).toString(),
      redirect: 'manual',
    });
    const session = res.headers
      .getSetCookie()
      .map((c) => /^av_session=([^;]+)/.exec(c)?.[1])
      .find(Boolean);
    return {
      status: res.status,
      location: res.headers.get('location'),
      session,
      body: await res.text(),
    };
  }

  async function expectRefused(provider: SamlProvider, xml: string, reason: RegExp) {
    const res = await post(provider, xml);
    expect(res.status).toBe(400);
    expect(res.session).toBeUndefined();
    expect(res.location).toBeNull();
    expect(res.body).toMatch(reason);
  }

  beforeAll(async () => {
    idp = generateKeyPair('idp');
    stranger = generateKeyPair('stranger');
    spKeys = generateKeyPair('village-sp');
    db = await createPostgresDatabase();
    app = await startApp({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: uniqueQueuePrefix(),
        PROCESS_JOBS: 'false',
      },
    });
    const anonymous = new ApiClient(app.baseUrl);
    const admin = anonymous.withBearer(
      await new Principals(anonymous, anonymous).login(TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD),
    );
    const tenant = await admin.post('/api/v1/tenants', {
      name: 'Acme SAML',
      slug: 'acme-saml',
      tier: 'ENTERPRISE',
    });
    expect(tenant.status).toBe(201);
    tenantId = tenant.body.id;
    const inAcme = admin.inTenant(tenantId);
    const create = async (body: Record<string, unknown>): Promise<SamlProvider> => {
      const created = await inAcme.post('/api/v1/sso/providers', {
        template: 'saml',
        allowed_domains: ['acme.test', 'evil.test'],
        blocked_domains: ['evil.test'],
        default_role: 'viewer',
        group_roles: { engineers: 'developer' },
        ...body,
        settings: {
          entry_point: ENTRY_POINT,
          idp_issuer: IDP_ISSUER,
          idp_certificate: idp.cert,
          ...(body.settings as object),
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ protocol: 'saml', has_client_secret: false });
      expect(created.body.callback_url).toBe(`${app.baseUrl}/sso/callback/${created.body.id}`);
      return {
        id: created.body.id,
        acs: created.body.callback_url,
        entityId: created.body.entity_id,
        slo: created.body.logout_callback_url,
      };
    };
    main = await create({ name: 'Acme SAML', settings: { trust_email: true } });
    expect(main.entityId).toBe(`${app.baseUrl}/sso/saml/${main.id}`);
    encrypted = await create({
      name: 'Acme SAML (encrypted)',
      settings: {
        trust_email: true,
        sp_entity_id: 'urn:acme:village',
        sp_certificate: spKeys.cert,
      },
      decryption_private_key: spKeys.key,
    });
    expect(encrypted.entityId).toBe('urn:acme:village');
    untrusted = await create({ name: 'Acme SAML (untrusted emails)' });
    withLogout = await create({
      name: 'Acme SAML (single logout)',
      settings: { trust_email: true, logout_url: LOGOUT_URL },
    });
    expect(withLogout.slo).toBe(`${app.baseUrl}/sso/saml/${withLogout.id}/logout/callback`);
    expect(main.slo).toBeUndefined();
    const badLogout = await inAcme.post('/api/v1/sso/providers', {
      name: 'Broken logout',
      template: 'saml',
      settings: { entry_point: ENTRY_POINT, idp_certificate: idp.cert, logout_url: 'ftp://idp' },
    });
    expect(badLogout.status).toBe(400);
    expect(JSON.stringify(badLogout.body)).toContain('settings.logout_url');
    const secret = await inAcme.get(`/api/v1/sso/providers/${encrypted.id}`);
    expect(secret.body).toMatchObject({ has_decryption_key: true });
    expect(JSON.stringify(secret.body)).not.toContain('PRIVATE KEY');
    const refused = await inAcme.post('/api/v1/sso/providers', {
      name: 'Broken',
      template: 'saml',
      settings: { entry_point: ENTRY_POINT, idp_certificate: 'not a certificate' },
    });
    expect(refused.status).toBe(400);
    await inAcme.post('/api/v1/users', {
      email: 'carol@acme.test',
      display_name: 'Carol',
      password: 'correct horse battery staple',
    });
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('publishes the service provider metadata: entity id and assertion consumer service', async () => {
    const res = await fetch(`${app.baseUrl}/sso/saml/${main.id}/metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const xml = await res.text();
    expect(xml).toContain(`entityID="${main.entityId}"`);
    expect(xml).toContain(`Location="${main.acs}"`);
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(xml).toContain('WantAssertionsSigned="true"');
    const withKey = await (await fetch(`${app.baseUrl}/sso/saml/${encrypted.id}/metadata`)).text();
    expect(withKey).toContain('entityID="urn:acme:village"');
    expect(withKey).toContain('use="encryption"');
    expect(withKey).not.toContain('PRIVATE KEY');
    const unknown = await fetch(
      `${app.baseUrl}/sso/saml/00000000-0000-4000-8000-000000000000/metadata`,
    );
    expect(unknown.status).toBe(404);
  });

  it('sends an AuthnRequest for our entity id and assertion consumer service', async () => {
    const { xml } = await startSignIn(main);
    expect(xml).toContain(`AssertionConsumerServiceURL="${main.acs}"`);
    expect(xml).toContain(`Destination="${ENTRY_POINT}"`);
    expect(xml).toContain(`>${main.entityId}</saml:Issuer>`);
  });

  it('creates the user just in time in the right tenant with the mapped roles', async () => {
    const { id } = await startSignIn(main, '/goals');
    const res = await post(main, signedResponse(main, id));
    expect(res.status).toBe(303);
    expect(res.location).toBe('/goals');
    expect(res.session).toMatch(/^avs_/);
    const me = await new ApiClient(app.baseUrl).withBearer(res.session!).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant_id: tenantId, email: 'alice@acme.test' });
    expect(me.body.roles.sort()).toEqual(['developer', 'viewer']);
    const sessions = await new ApiClient(app.baseUrl)
      .withBearer(res.session!)
      .get('/api/v1/sessions');
    expect(sessions.body.items[0]).toMatchObject({ auth_method: 'sso' });

    const again = await post(main, signedResponse(main, (await startSignIn(main)).id));
    expect(again.status).toBe(303);
    const second = await new ApiClient(app.baseUrl)
      .withBearer(again.session!)
      .get('/api/v1/auth/me');
    expect(second.body.user_id).toBe(me.body.user_id);
  });

  it('opens an encrypted assertion with the sealed key', async () => {
    const { id } = await startSignIn(encrypted);
    const assertion = assertionXml(claims(encrypted, id, { email: 'dave@acme.test', groups: [] }));
    const sealed = await encryptAssertion(signElement(assertion.xml, assertion.id, idp), spKeys);
    const xml = responseXml({
      issuer: IDP_ISSUER,
      destination: encrypted.acs,
      inResponseTo: id,
      assertions: sealed,
    }).xml;
    expect(xml).not.toContain('dave@acme.test');
    const res = await post(encrypted, xml);
    expect(res.status).toBe(303);
    const me = await new ApiClient(app.baseUrl).withBearer(res.session!).get('/api/v1/auth/me');
    expect(me.body).toMatchObject({
      tenant_id: tenantId,
      email: 'dave@acme.test',
      roles: ['viewer'],
    });
  });

  it('refuses a response with nothing signed, or with only the response signed', async () => {
    let { id } = await startSignIn(main);
    const bare = assertionXml(claims(main, id, {}));
    const unsigned = responseXml({
      issuer: IDP_ISSUER,
      destination: main.acs,
      inResponseTo: id,
      assertions: bare.xml,
    });
    await expectRefused(main, unsigned.xml, /signature/i);

    ({ id } = await startSignIn(main));
    const assertion = assertionXml(claims(main, id, {}));
    const response = responseXml({
      issuer: IDP_ISSUER,
      destination: main.acs,
      inResponseTo: id,
      assertions: assertion.xml,
    });
    await expectRefused(main, signElement(response.xml, response.id, idp), /signature/i);
  });

  it('refuses signature wrapping: an unsigned assertion beside or around the signed one', async () => {
    let { id } = await startSignIn(main);
    const signed = assertionXml(claims(main, id, { email: 'alice@acme.test' }));
    const evil = assertionXml(claims(main, id, { email: 'eve@acme.test', groups: ['admins'] }));
    const beside = responseXml({
      issuer: IDP_ISSUER,
      destination: main.acs,
      inResponseTo: id,
      assertions: signElement(signed.xml, signed.id, idp) + evil.xml,
    });
    await expectRefused(main, beside.xml, /multiple assertions|signature/i);

    ({ id } = await startSignIn(main));
    const original = assertionXml(claims(main, id, {}));
    const signedOriginal = signElement(original.xml, original.id, idp);
    const outer = assertionXml(claims(main, id, { email: 'eve@acme.test' }));
    // the signed assertion hidden inside the forged one's Subject, where a careless reader finds it
    const wrapped = outer.xml.replace('</saml:Subject>', `${signedOriginal}</saml:Subject>`);
    await expectRefused(
      main,
      responseXml({
        issuer: IDP_ISSUER,
        destination: main.acs,
        inResponseTo: id,
        assertions: wrapped,
      }).xml,
      /signature/i,
    );
    const users = await queryPostgres(db.url, `SELECT 1 FROM users WHERE email = 'eve@acme.test'`);
    expect(users).toHaveLength(0);
  });

  it('refuses an assertion signed by another key', async () => {
    const { id } = await startSignIn(main);
    await expectRefused(main, signedResponse(main, id, {}, stranger), /signature/i);
  });

  it('refuses an assertion for another audience or another recipient', async () => {
    let { id } = await startSignIn(main);
    await expectRefused(
      main,
      signedResponse(main, id, { audience: 'https://other-sp.example/saml' }),
      /audience/i,
    );
    ({ id } = await startSignIn(main));
    await expectRefused(main, signedResponse(main, id, { recipient: encrypted.acs }), /recipient/i);
  });

  it('refuses an expired assertion', async () => {
    const { id } = await startSignIn(main);
    await expectRefused(main, signedResponse(main, id, { validForMs: -600_000 }), /expired|valid/i);
  });

  it('accepts a response once: the same response posted again is refused', async () => {
    const { id } = await startSignIn(main);
    const xml = signedResponse(main, id);
    const first = await post(main, xml);
    expect(first.status).toBe(303);
    await expectRefused(main, xml, /unknown, used or expired/);
    // nor is it accepted for another provider of the tenant, or without a request of ours
    await expectRefused(encrypted, xml, /unknown, used or expired/);
    await expectRefused(main, signedResponse(main, '_never-requested'), /unknown, used or expired/);
  });

  it('refuses an email from a blocked domain and creates nobody', async () => {
    const { id } = await startSignIn(main);
    await expectRefused(
      main,
      signedResponse(main, id, { email: 'mallory@evil.test' }),
      /evil\.test is not allowed/,
    );
    const users = await queryPostgres(
      db.url,
      `SELECT 1 FROM users WHERE email = 'mallory@evil.test'`,
    );
    expect(users).toHaveLength(0);
  });

  it('links to an existing account only when the provider is trusted for its emails', async () => {
    const { id } = await startSignIn(untrusted);
    await expectRefused(
      untrusted,
      signedResponse(untrusted, id, { email: 'carol@acme.test' }),
      /did not verify this email address/,
    );
    const trusted = await post(
      main,
      signedResponse(main, (await startSignIn(main)).id, { email: 'carol@acme.test' }),
    );
    expect(trusted.status).toBe(303);
    const me = await new ApiClient(app.baseUrl).withBearer(trusted.session!).get('/api/v1/auth/me');
    expect(me.body).toMatchObject({ email: 'carol@acme.test', tenant_id: tenantId });
  });

  it('refuses a form post without a SAML response', async () => {
    const res = await fetch(main.acs, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'RelayState=x',
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    // the form body is let through on this path only
    const elsewhere = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a&password=b',
    });
    expect(elsewhere.status).toBe(415);
  });

  describe('single logout', () => {
    /** A sign-in through `provider` in the IdP session `sessionIndex`: our session token. */
    async function signInAt(
      provider: SamlProvider,
      sessionIndex: string,
      email = 'alice@acme.test',
    ) {
      const { id } = await startSignIn(provider);
      const res = await post(provider, signedResponse(provider, id, { sessionIndex, email }));
      expect(res.status).toBe(303);
      return res.session!;
    }

    const alive = async (token: string) =>
      (await new ApiClient(app.baseUrl).withBearer(token).get('/api/v1/auth/me')).status === 200;

    async function signOut(token: string) {
      const res = await fetch(`${app.baseUrl}/sso/logout`, {
        method: 'POST',
        headers: { cookie: `av_session=${token}` },
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      return res.headers.get('location')!;
    }

    /** The IdP's page posting a logout message to our single logout service. */
    async function postToSlo(param: 'SAMLRequest' | 'SAMLResponse', xml: string) {
      const res = await fetch(withLogout.slo!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ [param]: Buffer.from(xml).toString('base64') }).toString(),
        redirect: 'manual',
      });
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    }

    /** The IdP redirecting the browser to our single logout service. */
    async function redirectToSlo(query: string) {
      const res = await fetch(`${withLogout.slo!}?${query}`, { redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    }

    const answer = (inResponseTo: string, change: { status?: string } = {}) =>
      logoutResponseXml({
        issuer: IDP_ISSUER,
        destination: withLogout.slo!,
        inResponseTo,
        ...change,
      });

    it('publishes the single logout service in the metadata when a logout URL is set', async () => {
      const xml = await (await fetch(`${app.baseUrl}/sso/saml/${withLogout.id}/metadata`)).text();
      expect(xml).toContain('SingleLogoutService');
      expect(xml).toContain(`Location="${withLogout.slo}"`);
      const none = await (await fetch(`${app.baseUrl}/sso/saml/${main.id}/metadata`)).text();
      expect(none).not.toContain('SingleLogoutService');
    });

    it('signs out here without the IdP when the provider has no logout URL', async () => {
      const token = await signInAt(main, '_no-slo');
      expect(await signOut(token)).toBe('/');
      expect(await alive(token)).toBe(false);
    });

    it("sends the IdP a LogoutRequest for the sign-in's NameID and SessionIndex, and takes its signed answer once", async () => {
      const token = await signInAt(withLogout, '_idp-session-1');
      const location = await signOut(token);
      expect(location.startsWith(`${LOGOUT_URL}?`)).toBe(true);
      expect(await alive(token)).toBe(false);
      const request = await logoutRequestOf(location);
      expect(request).toMatchObject({
        issuer: withLogout.entityId,
        destination: LOGOUT_URL,
        nameId: 'alice@acme.test',
        nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        sessionIndexes: ['_idp-session-1'],
      });

      const reply = answer(request.id);
      const signed = signElement(reply.xml, reply.id, idp);
      const done = await postToSlo('SAMLResponse', signed);
      expect(done.status).toBe(303);
      expect(done.location).toBe('/');
      // the same answer again, by either binding, finds nothing to answer
      const replayed = await postToSlo('SAMLResponse', signed);
      expect(replayed.status).toBe(400);
      expect(replayed.body).toMatch(/answers no sign-out of ours/);
      const again = await redirectToSlo(redirectQuery('SAMLResponse', reply.xml, idp));
      expect(again.status).toBe(400);
    });

    it('takes a LogoutResponse by the redirect binding, signed over its query', async () => {
      const request = await logoutRequestOf(await signOut(await signInAt(withLogout, '_s2')));
      const done = await redirectToSlo(
        redirectQuery('SAMLResponse', answer(request.id).xml, idp, 'back'),
      );
      expect(done.status).toBe(303);
      expect(done.location).toBe('/');
    });

    it('refuses a LogoutResponse unsigned, signed by another key, or failed, and keeps its request', async () => {
      const request = await logoutRequestOf(await signOut(await signInAt(withLogout, '_s3')));
      const reply = answer(request.id);
      const refusals = [
        await postToSlo('SAMLResponse', reply.xml),
        await postToSlo('SAMLResponse', signElement(reply.xml, reply.id, stranger)),
        await redirectToSlo(redirectQuery('SAMLResponse', reply.xml)),
        await redirectToSlo(redirectQuery('SAMLResponse', reply.xml, stranger)),
      ];
      for (const refused of refusals) {
        expect(refused.status).toBe(400);
        expect(refused.location).toBeNull();
      }
      const failed = answer(request.id, {
        status: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
      });
      expect(
        (await postToSlo('SAMLResponse', signElement(failed.xml, failed.id, idp))).status,
      ).toBe(400);
      // none of them used up the request: the IdP's real answer is still taken
      const done = await postToSlo('SAMLResponse', signElement(reply.xml, reply.id, idp));
      expect(done.status).toBe(303);
      // a signed answer to a request never sent, or to a sign-in's AuthnRequest, is refused
      const invented = answer('_never-sent');
      expect(
        (await postToSlo('SAMLResponse', signElement(invented.xml, invented.id, idp))).status,
      ).toBe(400);
      const { id: authnId } = await startSignIn(withLogout);
      const misused = answer(authnId);
      expect(
        (await postToSlo('SAMLResponse', signElement(misused.xml, misused.id, idp))).status,
      ).toBe(400);
    });

    it('ends the sessions an IdP-initiated LogoutRequest names, and answers it', async () => {
      const first = await signInAt(withLogout, '_idp-a');
      const second = await signInAt(withLogout, '_idp-b');
      const other = await signInAt(withLogout, '_idp-c', 'carol@acme.test');
      const request = idpLogoutRequestXml({
        issuer: IDP_ISSUER,
        destination: withLogout.slo!,
        nameId: 'alice@acme.test',
        sessionIndex: '_idp-a',
      });
      const res = await postToSlo('SAMLRequest', signElement(request.xml, request.id, idp));
      expect(res.status).toBe(303);
      expect(res.location!.startsWith(`${LOGOUT_URL}?`)).toBe(true);
      expect(await logoutResponseOf(res.location!)).toEqual({
        inResponseTo: request.id,
        status: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        issuer: withLogout.entityId,
      });
      expect(await alive(first)).toBe(false);
      expect(await alive(second)).toBe(true);
      expect(await alive(other)).toBe(true);

      // by the redirect binding, without a session index: every session of the subject
      const all = idpLogoutRequestXml({
        issuer: IDP_ISSUER,
        destination: withLogout.slo!,
        nameId: 'alice@acme.test',
      });
      const viaRedirect = await redirectToSlo(redirectQuery('SAMLRequest', all.xml, idp, 'rs'));
      expect(viaRedirect.status).toBe(303);
      expect(new URL(viaRedirect.location!).searchParams.get('RelayState')).toBe('rs');
      expect(await alive(second)).toBe(false);
      expect(await alive(other)).toBe(true);
    });

    it('refuses an IdP LogoutRequest unsigned or signed by another key, and ends nothing', async () => {
      const token = await signInAt(withLogout, '_idp-d');
      const request = idpLogoutRequestXml({
        issuer: IDP_ISSUER,
        destination: withLogout.slo!,
        nameId: 'alice@acme.test',
      });
      const refusals = [
        await postToSlo('SAMLRequest', request.xml),
        await postToSlo('SAMLRequest', signElement(request.xml, request.id, stranger)),
        await redirectToSlo(redirectQuery('SAMLRequest', request.xml)),
        await redirectToSlo(redirectQuery('SAMLRequest', request.xml, stranger)),
      ];
      for (const refused of refusals) expect(refused.status).toBe(400);
      expect(await alive(token)).toBe(true);
      // a provider without single logout has no such service
      const elsewhere = await fetch(`${app.baseUrl}/sso/saml/${main.id}/logout/callback`, {
        redirect: 'manual',
      });
      expect(elsewhere.status).toBe(400);
    });
  });
});
