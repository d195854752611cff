import { Injectable } from '@nestjs/common';
import { Conflict, NotFound, uuidv7 } from '#common';
import { TenantRepository, type TenantRow } from './tenant.repository';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  /** Every user must sign in with a second factor (and enroll one at next sign-in). */
  mfaRequired: boolean;
  createdAt: Date;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  mfaRequired: r.mfa_required,
  createdAt: new Date(r.created_at),
});

@Injectable()
export class TenantsService {
  constructor(private readonly tenants: TenantRepository) {}

  async create(slug: string, name: string): Promise<Tenant> {
    const row = await this.tenants.insert({ id: uuidv7(), slug, name });
    if (!row)
      throw new Conflict('tenant-exists', 'Tenant exists', `A tenant with slug ${slug} exists.`);
    return toTenant(row);
  }

  async get(id: string): Promise<Tenant> {
    const row = await this.tenants.byId(id);
    if (!row) throw new NotFound('tenant', id);
    return toTenant(row);
  }

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const row = await this.tenants.bySlug(slug);
    return row ? toTenant(row) : undefined;
  }

  /** A tenant by id or slug (the CLI and login accept either). */
  async findByRef(ref: string): Promise<Tenant | undefined> {
    const row = await this.tenants.byIdOrSlug(ref.toLowerCase());
    return row ? toTenant(row) : undefined;
  }

  async setMfaRequired(id: string, required: boolean): Promise<Tenant> {
    const row = await this.tenants.setMfaRequired(id, required);
    if (!row) throw new NotFound('tenant', id);
    return toTenant(row);
  }

  async list(): Promise<Tenant[]> {
    return (await this.tenants.all()).map(toTenant);
  }
}
