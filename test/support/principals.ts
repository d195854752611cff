import { ApiClient } from '#testing';

export const PASSWORD = 'correct horse battery staple';

/** Creating users, signing them in and giving them keys, as an administrator would. */
export class Principals {
  constructor(
    private readonly anonymous: ApiClient,
    private readonly admin: ApiClient,
  ) {}

  async createUser(email: string, role?: string): Promise<{ id: string; assignmentId?: string }> {
    const user = await this.admin.post('/api/v1/users', {
      email,
      display_name: email.split('@')[0],
      password: PASSWORD,
    });
    if (user.status !== 201) throw new Error(`could not create ${email}: ${user.status}`);
    if (!role) return { id: user.body.id };
    return { id: user.body.id, assignmentId: await this.assign(user.body.id, role) };
  }

  async assign(userId: string, role: string): Promise<string> {
    const res = await this.admin.post('/api/v1/role-assignments', { user_id: userId, role });
    if (res.status !== 201) throw new Error(`could not assign ${role}: ${res.status}`);
    return res.body.id;
  }

  /**
   * Signs a user in and elevates the session with the password (dangerous routes, such as
   * creating a key or assigning a role, refuse a session that is not elevated).
   */
  async login(email: string, password = PASSWORD): Promise<string> {
    const res = await this.anonymous.post('/api/v1/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`could not sign in ${email}: ${res.status}`);
    const elevated = await this.anonymous
      .withBearer(res.body.token)
      .post('/api/v1/sessions/current/elevate', { password });
    if (elevated.status !== 200) throw new Error(`could not elevate ${email}: ${elevated.status}`);
    return elevated.body.token;
  }

  /** A session client for a new user with `role`. */
  async signedIn(email: string, role: string): Promise<{ id: string; client: ApiClient }> {
    const user = await this.createUser(email, role);
    return { id: user.id, client: this.anonymous.withBearer(await this.login(email)) };
  }

  async createKey(
    owner: ApiClient,
    scopes: string[] = ['read:goals'],
  ): Promise<{ id: string; key: string }> {
    const res = await owner.post('/api/v1/api-keys', { name: 'test key', scopes });
    if (res.status !== 201) throw new Error(`could not create a key: ${res.status}`);
    return { id: res.body.id, key: res.body.key };
  }
}
