-- Rendered from src/memory/memory-retention.repository.ts by `npm run db:queries`; do not edit.

-- tenants
-- parameters: []
select distinct "tenant_id"
  from "memories";

-- deleteExpired
-- parameters: ["00000000-0000-0000-0000-000000000001"]
delete
  from "memories"
  where "tenant_id" = $1 and "expires_at" is not null and "expires_at" <= now();

-- deleteFaded
-- parameters: ["00000000-0000-0000-0000-000000000001",30,0.05]
delete
  from "memories"
  where "tenant_id" = $1 and importance * power(0.5, extract(epoch FROM (now() - coalesce(last_accessed_at, updated_at))) / 86400.0 / $2) < $3;

-- recentEmbedded
-- parameters: ["00000000-0000-0000-0000-000000000001",3,200]
select "id", "kind", "embedding"
  from "memories"
  where "tenant_id" = $1 and "embedding_dim" = $2
  order by "updated_at" desc
  limit $3;

-- lockForMerge
-- parameters: ["00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000001"]
select "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim"
  from "memories"
  where "id" = $1 and "tenant_id" = $2 for update;

-- absorb
-- parameters: [0.5,2,true,"00000000-0000-0000-0000-000000000003","00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "memories"
  set "importance" = greatest(importance, $1), "access_count" = access_count + $2, "verified" = verified OR $3, "updated_at" = now(), "metadata" = jsonb_set(metadata, '{merged_from}', coalesce(metadata->'merged_from', '[]'::jsonb) || to_jsonb($4::text))
  where "id" = $5 and "tenant_id" = $6;

-- oldEpisodes
-- parameters: ["00000000-0000-0000-0000-000000000001","episodic",30,50]
select "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim"
  from "memories"
  where "tenant_id" = $1 and "kind" = $2 and "created_at" < now() - make_interval(days => $3)
  order by "created_at"
  limit $4;
