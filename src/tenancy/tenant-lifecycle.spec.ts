import { admitsRequests, nextStatus, TENANT_STATUSES } from './tenant-lifecycle';

describe('tenant lifecycle', () => {
  it('approves a pending tenant, suspends an active one and activates it again', () => {
    expect(nextStatus('PENDING', 'approve')).toBe('ACTIVE');
    expect(nextStatus('ACTIVE', 'suspend')).toBe('SUSPENDED');
    expect(nextStatus('SUSPENDED', 'activate')).toBe('ACTIVE');
  });

  it('refuses moves the lifecycle does not have', () => {
    expect(nextStatus('ACTIVE', 'approve')).toBeUndefined();
    expect(nextStatus('SUSPENDED', 'suspend')).toBeUndefined();
    expect(nextStatus('PENDING', 'suspend')).toBeUndefined();
    expect(nextStatus('ACTIVE', 'activate')).toBeUndefined();
  });

  it('deletes from any status but DELETED, and nothing leaves DELETED', () => {
    for (const status of TENANT_STATUSES) {
      expect(nextStatus(status, 'delete')).toBe(status === 'DELETED' ? undefined : 'DELETED');
      if (status === 'DELETED')
        for (const action of ['approve', 'suspend', 'activate'] as const)
          expect(nextStatus(status, action)).toBeUndefined();
    }
  });

  it('admits requests only in an active tenant', () => {
    expect(TENANT_STATUSES.filter(admitsRequests)).toEqual(['ACTIVE']);
  });
});
