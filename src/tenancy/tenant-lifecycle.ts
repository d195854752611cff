/** A tenant's lifecycle: statuses and the moves between them, as data. */
export const TENANT_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'DELETED'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export type TenantAction = 'approve' | 'suspend' | 'activate' | 'delete';

const MOVES: Record<TenantAction, { from: readonly TenantStatus[]; to: TenantStatus }> = {
  approve: { from: ['PENDING'], to: 'ACTIVE' },
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED' },
  activate: { from: ['SUSPENDED', 'PENDING'], to: 'ACTIVE' },
  delete: { from: ['PENDING', 'ACTIVE', 'SUSPENDED'], to: 'DELETED' },
};

/** The status an action leads to from `from`, or undefined when the lifecycle forbids it. */
export function nextStatus(from: TenantStatus, action: TenantAction): TenantStatus | undefined {
  const move = MOVES[action];
  return move.from.includes(from) ? move.to : undefined;
}

/** The statuses an action may start from (for the error that refuses it). */
export const allowedFrom = (action: TenantAction): readonly TenantStatus[] => MOVES[action].from;

/** Only an active tenant's members may act in it. */
export const admitsRequests = (status: TenantStatus): boolean => status === 'ACTIVE';
