export const TENANT_TIERS = ['FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'] as const;
export type TenantTier = (typeof TENANT_TIERS)[number];
