import type { SessionFacts } from '../access/access-context';
import type { AccessPolicy } from '../access/access-policy';
import { ADMIN_SCOPE, hasScope, scopeForPermission } from '../rbac/permissions';

export type { AccessPolicy };

/** The authenticated caller, as far as authorization needs to know. */
export interface AccessSubject {
  roles: ReadonlySet<string>;
  permissions: ReadonlySet<string>;
  /**
   * Present for API keys and OAuth access tokens only: what the credential may do within
   * its owner's permissions.
   */
  scopes?: readonly string[];
  /** Present for login sessions only. */
  session?: SessionFacts;
}

export type AccessDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason:
        | 'no-policy'
        | 'permission'
        | 'role'
        | 'admin'
        | 'scope'
        | 'session'
        | 'mfa'
        | 'elevation'
        | 'mfa-enrollment';
      detail: string;
    };

export const ADMIN_PERMISSION = { tenant: 'admin:access', system: 'admin:system' } as const;

export function hasAccessRule(policy: AccessPolicy | undefined): policy is AccessPolicy {
  return (
    !!policy &&
    (policy.public === true ||
      policy.authenticated === true ||
      !!policy.permission ||
      !!policy.roles?.length ||
      !!policy.admin ||
      !!policy.scopes?.length ||
      !!policy.session ||
      !!policy.mfa ||
      !!policy.elevated)
  );
}

/** Deny by default: a route without a rule is refused to everyone. */
export function evaluateAccess(
  policy: AccessPolicy | undefined,
  subject: AccessSubject,
  now = new Date(),
): AccessDecision {
  if (!hasAccessRule(policy))
    return { allowed: false, reason: 'no-policy', detail: 'This route has no access policy.' };
  if (policy.public) return { allowed: true };
  const session = subject.session;
  if (session?.enrollmentOnly && !policy.enrollment)
    return deny(
      'mfa-enrollment',
      'This tenant requires multi-factor authentication: enroll a second factor under /api/v1/mfa first.',
    );
  if (policy.session && !session)
    return deny('session', 'This route needs a signed-in user session, not an API key.');
  if (policy.mfa && session && !session.mfaVerified)
    return deny('mfa', 'This route needs a session verified with a second factor.');
  if (policy.elevated && session && !(session.elevatedUntil && session.elevatedUntil > now))
    return deny(
      'elevation',
      'This action needs an elevated session: confirm your password or a second factor at POST /api/v1/sessions/current/elevate.',
    );
  const isKey = subject.scopes !== undefined;
  const needScope = (scope: string) => isKey && !hasScope(subject.scopes!, scope);

  if (policy.permission) {
    if (!subject.permissions.has(policy.permission))
      return deny('permission', `Requires the permission ${policy.permission}.`);
    const scope = scopeForPermission(policy.permission);
    if (needScope(scope))
      return deny('scope', `The API key or access token lacks the scope ${scope}.`);
  }
  if (policy.roles?.length && !policy.roles.some((r) => subject.roles.has(r)))
    return deny('role', `Requires one of the roles ${policy.roles.join(', ')}.`);
  if (policy.admin) {
    const permission = ADMIN_PERMISSION[policy.admin];
    if (!subject.permissions.has(permission))
      return deny('admin', `Requires ${policy.admin} administrator rights.`);
    if (needScope(ADMIN_SCOPE))
      return deny('scope', `The API key or access token lacks the scope ${ADMIN_SCOPE}.`);
  }
  for (const scope of policy.scopes ?? [])
    if (needScope(scope))
      return deny('scope', `The API key or access token lacks the scope ${scope}.`);
  return { allowed: true };
}

/** The problem type a refusal answers with. */
export function deniedType(reason: Exclude<AccessDecision, { allowed: true }>['reason']): string {
  if (reason === 'elevation') return 'elevation-required';
  if (reason === 'mfa') return 'mfa-required';
  if (reason === 'mfa-enrollment') return 'mfa-enrollment-required';
  if (reason === 'session') return 'session-required';
  return `forbidden-${reason}`;
}

function deny(
  reason: Exclude<AccessDecision, { allowed: true }>['reason'],
  detail: string,
): AccessDecision {
  return { allowed: false, reason, detail };
}
