/** What an identity provider said about the person signing in. */
export interface FederatedIdentity {
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
  /** Authentication methods the provider used (OIDC `amr`). */
  amr: string[];
}

/** Why a sign-in is refused (shown to the person, without internals). */
export type DomainVerdict = { ok: true } | { ok: false; reason: string };

/** The email's domain against the tenant's lists: a blocked domain never signs in. */
export function checkEmailDomain(
  email: string,
  allowed: readonly string[],
  blocked: readonly string[],
): DomainVerdict {
  const at = email.lastIndexOf('@');
  const domain = at > 0 ? email.slice(at + 1).toLowerCase() : '';
  if (!domain) return { ok: false, reason: 'The identity provider gave no email address.' };
  const within = (list: readonly string[]) =>
    list.some((d) => domain === d || domain.endsWith(`.${d}`));
  if (within(blocked)) return { ok: false, reason: `Sign-in from ${domain} is not allowed.` };
  if (allowed.length && !within(allowed))
    return { ok: false, reason: `Sign-in from ${domain} is not allowed.` };
  return { ok: true };
}

/**
 * Where to send the browser after a sign-in: a path on our own origin only. Anything that
 * could leave it (another origin, `//host`, a backslash, a scheme) answers undefined.
 */
export function localRedirect(value: unknown, publicUrl: string): string | undefined {
  if (value === undefined || value === null || value === '') return '/';
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  let url: URL;
  try {
    url = new URL(value, publicUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(publicUrl).origin) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Reads the identity from ID token claims or a user-info document, by the configured names. */
export function identityFrom(
  claims: Record<string, unknown>,
  names: { email?: string; name?: string; groups?: string },
): Omit<FederatedIdentity, 'emailVerified'> & { emailVerified: boolean | undefined } {
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const list = (v: unknown) =>
    Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string')
      : typeof v === 'string'
        ? [v]
        : [];
  const email = text(claims[names.email ?? 'email'])
    .trim()
    .toLowerCase();
  const verified = claims.email_verified;
  return {
    subject: text(claims.sub ?? claims.id),
    email,
    emailVerified:
      typeof verified === 'boolean' ? verified : verified === 'true' ? true : undefined,
    name: text(claims[names.name ?? 'name']) || text(claims.login) || email,
    groups: list(claims[names.groups ?? 'groups']),
    amr: list(claims.amr),
  };
}

/** The roles a signed-in person's groups map to. */
export function rolesForGroups(groups: readonly string[], map: Record<string, string>): string[] {
  return [...new Set(groups.map((g) => map[g]).filter((r): r is string => typeof r === 'string'))];
}

/** Whether the provider's own authentication counts as a second factor. */
export function idpUsedMfa(amr: readonly string[]): boolean {
  return amr.some((m) => ['mfa', 'otp', 'hwk', 'swk', 'sms', 'fpt', 'face', 'iris'].includes(m));
}
