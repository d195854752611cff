import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Conflict, NotFound, uuidv7 } from '../../libs/common/src';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  createdAt: Date;
}

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: string;
  created_at: Date;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  createdAt: new Date(r.created_at),
});

@Injectable()
export class TenantsService {
  constructor(private readonly dataSource: DataSource) {}

  async create(slug: string, name: string): Promise<Tenant> {
    const existing = await this.dataSource.query(`SELECT 1 FROM tenants WHERE slug = $1`, [slug]);
    if (existing.length)
      throw new Conflict('tenant-exists', 'Tenant exists', `A tenant with slug ${slug} exists.`);
    const rows: TenantRow[] = await this.dataSource.query(
      `INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3) RETURNING *`,
      [uuidv7(), slug, name],
    );
    return toTenant(rows[0]);
  }

  async get(id: string): Promise<Tenant> {
    const rows: TenantRow[] = await this.dataSource.query(`SELECT * FROM tenants WHERE id = $1`, [
      id,
    ]);
    if (!rows.length) throw new NotFound('tenant', id);
    return toTenant(rows[0]);
  }

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const rows: TenantRow[] = await this.dataSource.query(`SELECT * FROM tenants WHERE slug = $1`, [
      slug,
    ]);
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  /** A tenant by id or slug (the CLI and login accept either). */
  async findByRef(ref: string): Promise<Tenant | undefined> {
    const rows: TenantRow[] = await this.dataSource.query(
      `SELECT * FROM tenants WHERE id::text = $1 OR slug = $1`,
      [ref.toLowerCase()],
    );
    return rows[0] ? toTenant(rows[0]) : undefined;
  }

  async list(): Promise<Tenant[]> {
    const rows: TenantRow[] = await this.dataSource.query(
      `SELECT * FROM tenants ORDER BY created_at`,
    );
    return rows.map(toTenant);
  }
}
