-- Rendered from src/tenant-purge/tenant-purge.repository.ts by `npm run db:queries`; do not edit.

-- tables
-- parameters: []
select n.nspname::text as schema, c.relname::text as name, exists (select 1
  from pg_attribute a
  where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnum > 0 and not a.attisdropped) as has_tenant_id
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
  order by c.relname;

-- foreignKeys
-- parameters: []
select child.relname::text as child, parent.relname::text as parent, array(select a.attname::text
  from unnest(con.conkey) with ordinality as k(attnum, n) join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
  order by k.n) as columns, array(select a.attname::text
  from unnest(con.confkey) with ordinality as k(attnum, n) join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum
  order by k.n) as parent_columns, con.confdeltype::text as on_delete
  from pg_constraint con join pg_class child on child.oid = con.conrelid join pg_class parent on parent.oid = con.confrelid join pg_namespace n on n.oid = child.relnamespace
  where con.contype = 'f' and con.conparentid = 0 and n.nspname = current_schema() and parent.relnamespace = child.relnamespace
  order by child.relname, con.conname;

-- admitTenant
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select set_config('app.tenant_id', $1, true) as tenant, set_config('app.audit_maintenance', 'on', true) as maintenance;

-- deleteOwned
-- parameters: ["00000000-0000-0000-0000-000000000001"]
delete
  from "public"."goals" as "t"
  where "t"."tenant_id" = $1;

-- deleteOwned (by reference)
-- parameters: ["00000000-0000-0000-0000-000000000001"]
delete
  from "public"."goal_notes" as "t"
  where (("t"."goal_id") in (select "tp"."id"
  from "public"."goals" as "tp"
  where "tp"."tenant_id" = $1));

-- countOwned
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select count(*) as "n"
  from "public"."goals" as "t"
  where "t"."tenant_id" = $1;
