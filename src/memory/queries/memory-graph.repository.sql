-- Rendered from src/memory/memory-graph.repository.ts by `npm run db:queries`; do not edit.

-- link
-- parameters: ["00000000-0000-0000-0000-000000000001","[{\"id\":\"00000000-0000-0000-0000-00000000000a\",\"name\":\"research\",\"type\":\"capability\",\"mentions\":1},{\"id\":\"00000000-0000-0000-0000-00000000000b\",\"name\":\"analyst\",\"type\":\"agent\",\"mentions\":1}]","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002","[{\"id\":\"00000000-0000-0000-0000-00000000000c\",\"s_name\":\"research\",\"s_type\":\"capability\",\"relation\":\"succeeded_with\",\"t_name\":\"analyst\",\"t_type\":\"agent\",\"weight\":1}]"]
with "entity" as (insert into "memory_entities" ("id", "tenant_id", "name", "type", "mentions") SELECT e.id, $1, e.name, e.type, e.mentions
            FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, name text, type text, mentions int)
  on conflict ("tenant_id", "type", "name") do update
  set "mentions" = memory_entities.mentions + excluded.mentions, "updated_at" = now()
  returning "id", "name", "type") insert into "memory_relations" ("id", "tenant_id", "source_id", "relation", "target_id", "memory_id", "weight") SELECT r.id, $3, s.id, r.relation, t.id, $4, r.weight
        FROM jsonb_to_recordset($5::jsonb)
          AS r(id uuid, s_name text, s_type text, relation text, t_name text, t_type text, weight real)
        JOIN entity s ON s.name = r.s_name AND s.type = r.s_type
        JOIN entity t ON t.name = r.t_name AND t.type = r.t_type
  on conflict ("tenant_id", "source_id", "relation", "target_id") do update
  set "weight" = memory_relations.weight + excluded.weight, "memory_id" = coalesce(excluded.memory_id, memory_relations.memory_id), "updated_at" = now();

-- relationsOf
-- parameters: ["00000000-0000-0000-0000-000000000001","research","research",100]
select "s"."name" as "source", "s"."type" as "source_type", "r"."relation", "t"."name" as "target", "t"."type" as "target_type", "r"."weight"
  from "memory_relations" as "r"
  inner join "memory_entities" as "s" on "s"."id" = "r"."source_id"
  inner join "memory_entities" as "t" on "t"."id" = "r"."target_id"
  where "r"."tenant_id" = $1 and ("s"."name" = $2 or "t"."name" = $3)
  order by "r"."weight" desc
  limit $4;

-- succeededWith
-- parameters: ["00000000-0000-0000-0000-000000000001","succeeded_with","capability",["research"],10]
select "s"."name" as "capability", "t"."name" as "agent", "r"."weight"
  from "memory_relations" as "r"
  inner join "memory_entities" as "s" on "s"."id" = "r"."source_id"
  inner join "memory_entities" as "t" on "t"."id" = "r"."target_id"
  where "r"."tenant_id" = $1 and "r"."relation" = $2 and "s"."type" = $3 and "s"."name" = any($4)
  order by "r"."weight" desc
  limit $5;

-- counts
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000001"]
select (select count(*) as "n"
  from "memory_entities"
  where "tenant_id" = $1) as "entities", (select count(*) as "n"
  from "memory_relations"
  where "tenant_id" = $2) as "relations";

-- moveCitations
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
update "memory_relations"
  set "memory_id" = $1
  where "memory_id" = $2 and "tenant_id" = $3;
