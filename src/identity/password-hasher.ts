import * as argon2 from 'argon2';

/** argon2id with OWASP's baseline parameters (19 MiB, 2 passes). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  /** Verified against when the user does not exist, so both paths cost one argon2 run. */
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    this.dummy ??= this.hash('agent-village-dummy-password');
    const target = hash ?? (await this.dummy);
    let ok: boolean;
    try {
      ok = await argon2.verify(target, password);
    } catch {
      ok = false;
    }
    return ok && !!hash;
  }
}
