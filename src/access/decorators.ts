import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AccessPolicy } from './access-policy';
import type { AccessContext } from './access-context';

export const ACCESS_POLICY = 'agent-village:access-policy';
/** Where @nestjs/swagger reads a route's `x-` extensions from. */
const SWAGGER_EXTENSIONS = 'swagger/apiExtension';

/** Merges a rule into the route's policy (decorators stack) and documents it as `x-access`. */
function access(rule: AccessPolicy): MethodDecorator & ClassDecorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const merged: AccessPolicy = {
      ...((Reflect.getMetadata(ACCESS_POLICY, holder) as AccessPolicy | undefined) ?? {}),
      ...rule,
    };
    Reflect.defineMetadata(ACCESS_POLICY, merged, holder);
    const wire = {
      ...(merged.public ? { public: true } : {}),
      ...(merged.authenticated ? { authenticated: true } : {}),
      ...(merged.permission ? { permission: merged.permission } : {}),
      ...(merged.resourceType ? { resource_type: merged.resourceType } : {}),
      ...(merged.idParam ? { id_param: merged.idParam } : {}),
      ...(merged.roles ? { roles: merged.roles } : {}),
      ...(merged.admin ? { admin: merged.admin } : {}),
      ...(merged.scopes ? { scopes: merged.scopes } : {}),
      ...(merged.session ? { session: true } : {}),
      ...(merged.mfa ? { mfa: true } : {}),
      ...(merged.elevated ? { elevated: true } : {}),
      ...(merged.enrollment ? { enrollment: true } : {}),
    };
    if (descriptor) {
      // Swagger's ApiExtension keeps the first value written for a key, and decorators
      // stack (RequirePermission + RequireElevated): the merged rule replaces the earlier one.
      const extensions = (Reflect.getMetadata(SWAGGER_EXTENSIONS, descriptor.value) ??
        {}) as object;
      Reflect.defineMetadata(
        SWAGGER_EXTENSIONS,
        { ...extensions, 'x-access': wire },
        descriptor.value,
      );
      return descriptor;
    }
    return target;
  }) as MethodDecorator & ClassDecorator;
}

/** Open to anyone, no credentials (health, login, docs). */
export const Public = () => access({ public: true });

/** Any authenticated caller, whatever their roles. */
export const Authenticated = () => access({ authenticated: true });

/** The caller needs this permission in the resolved tenant (and keys the matching scope). */
export const RequirePermission = (permission: string, resourceType?: string, idParam?: string) =>
  access({ permission, resourceType, idParam });

/** The caller holds at least one of these roles in the resolved tenant. */
export const RequireRole = (...roles: string[]) => access({ roles });

/** Tenant administrators (admin:access) or platform administrators (admin:system). */
export const RequireAdmin = (level: 'tenant' | 'system' = 'tenant') => access({ admin: level });

/** API keys must carry these scopes (users are not scoped). */
export const RequireScope = (...scopes: string[]) => access({ scopes });

/** Only a signed-in user's session may call (no API keys). */
export const RequireSession = () => access({ session: true, authenticated: true });

/** A session must have passed a second factor; API keys pass. */
export const RequireMfa = () => access({ mfa: true, authenticated: true });

/**
 * A dangerous route: a session must have been elevated (password or second factor again,
 * POST /api/v1/sessions/current/elevate) within the last minutes; API keys pass.
 */
export const RequireElevated = () => access({ elevated: true, authenticated: true });

/** Stays open to a session that must enroll a second factor before anything else. */
export const AllowDuringEnrollment = () => access({ enrollment: true });

/** The authenticated caller of this request (set by the access guard). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): AccessContext => {
  const req = ctx.switchToHttp().getRequest<{ access?: AccessContext }>();
  if (!req.access) throw new Error('No access context: is this route public?');
  return req.access;
});
