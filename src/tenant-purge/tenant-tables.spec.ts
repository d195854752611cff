import type { CatalogForeignKey, CatalogTable } from './tenant-purge.repository';
import { planTenantTables } from './tenant-tables';

const table = (name: string, has_tenant_id = true): CatalogTable => ({
  schema: 'public',
  name,
  has_tenant_id,
});
const key = (child: string, parent: string, on_delete = 'a'): CatalogForeignKey => ({
  child,
  columns: [`${parent}_id`],
  parent,
  parent_columns: ['id'],
  on_delete,
});
const TENANTS = table('tenants', false);
const names = (tables: CatalogTable[], keys: CatalogForeignKey[]) =>
  planTenantTables(tables, keys).deletionOrder.map((t) => t.name);

describe('planTenantTables', () => {
  it('orders children before parents and ignores self-references', () => {
    const tables = [TENANTS, table('goals'), table('tasks'), table('users'), table('api_keys')];
    const keys = [
      key('goals', 'tenants'),
      key('goals', 'goals'),
      key('tasks', 'goals', 'c'),
      key('api_keys', 'users', 'c'),
      key('users', 'tenants'),
    ];
    const order = names(tables, keys);
    expect(order).toHaveLength(4);
    expect(order.indexOf('tasks')).toBeLessThan(order.indexOf('goals'));
    expect(order.indexOf('api_keys')).toBeLessThan(order.indexOf('users'));
  });

  it('owns tables without tenant_id through their keys, level by level', () => {
    const tables = [TENANTS, table('goals'), table('notes', false), table('marks', false)];
    const keys = [key('notes', 'goals'), key('marks', 'notes'), key('platform', 'tenants')];
    const plan = planTenantTables([...tables, table('platform', false)], keys);
    expect(plan.deletionOrder.map((t) => t.name)).toEqual(['marks', 'platform', 'notes', 'goals']);
    const marks = plan.deletionOrder[0].owner;
    expect(marks).toMatchObject({ by: 'references', keys: [{ parent: { name: 'notes' } }] });
    expect(plan.deletionOrder[1].owner).toMatchObject({
      by: 'references',
      keys: [{ parent: { name: 'tenants', owner: { by: 'id' } } }],
    });
  });

  it('leaves out tables that hold nothing of a tenant', () => {
    expect(names([TENANTS, table('goals'), table('settings', false)], [])).toEqual(['goals']);
  });

  it('breaks a cycle at a key that cascades, and refuses one that does not', () => {
    const tables = [TENANTS, table('a'), table('b')];
    expect(names(tables, [key('a', 'b'), key('b', 'a', 'c')])).toEqual(['a', 'b']);
    expect(() => names(tables, [key('a', 'b'), key('b', 'a')])).toThrow(/cycle/);
  });
});
