import { DomainError } from '#common';
import type { TenantStatus } from './tenant-lifecycle';

/** 403 for a request in a tenant that is not active; the problem type names the status. */
export class TenantNotActive extends DomainError {
  constructor(status: TenantStatus, reason: string | null) {
    const word = status.toLowerCase();
    super(
      403,
      `tenant-${word}`,
      `Tenant ${word}`,
      `This tenant is ${word}${reason && status === 'SUSPENDED' ? ` (${reason})` : ''}; its requests are refused until it is active.`,
      { tenant_status: status },
    );
  }
}
