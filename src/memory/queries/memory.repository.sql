-- Rendered from src/memory/memory.repository.ts by `npm run db:queries`; do not edit.

-- insertBatch
-- parameters: ["00000000-0000-0000-0000-000000000001","local-lexical",3,"[{\"ord\":0,\"id\":\"00000000-0000-0000-0000-000000000002\",\"kind\":\"semantic\",\"title\":\"Fact: invoices\",\"key\":null,\"content\":\"Invoices go out on the first working day.\",\"metadata\":{},\"importance\":0.4,\"source_goal_id\":null,\"source_task_id\":null,\"source_agent\":\"governor\",\"source_model\":null,\"provenance\":{},\"verified\":true,\"dedupe_key\":\"fact:1\",\"expires_at\":null,\"embedding\":\"{1,0,0}\"}]"]
insert into "memories" ("id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "dedupe_key", "expires_at", "embedding", "embedding_model", "embedding_dim") SELECT d.id, $1, d.kind, d.title, d.key, d.content, d.metadata, d.importance, d.source_goal_id,
          d.source_task_id, d.source_agent, d.source_model, d.provenance, d.verified, d.dedupe_key, d.expires_at,
          d.embedding::real[], $2, $3
        FROM jsonb_to_recordset($4::jsonb) AS d(ord int, id uuid, kind text, title text, key text,
          content text, metadata jsonb, importance real, source_goal_id uuid, source_task_id uuid, source_agent text,
          source_model text, provenance jsonb, verified boolean, dedupe_key text, expires_at timestamptz, embedding text)
        ORDER BY d.ord
  on conflict ("tenant_id", "dedupe_key")
  where "dedupe_key" is not null do update
  set "title" = "excluded"."title", "content" = "excluded"."content", "key" = "excluded"."key", "metadata" = memories.metadata || excluded.metadata || jsonb_build_object('occurrences', coalesce((memories.metadata->>'occurrences')::int, 1) + 1), "importance" = least(1, greatest(memories.importance, excluded.importance) + 0.05), "provenance" = memories.provenance || excluded.provenance, "verified" = memories.verified OR excluded.verified, "embedding" = "excluded"."embedding", "embedding_model" = "excluded"."embedding_model", "embedding_dim" = "excluded"."embedding_dim", "updated_at" = now()
  returning "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim", "dedupe_key";

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
select "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim"
  from "memories"
  where "id" = $1 and "tenant_id" = $2;

-- touch
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "memories"
  set "access_count" = access_count + 1, "last_accessed_at" = now()
  where "id" = $1 and "tenant_id" = $2
  returning "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim";

-- byIds
-- parameters: ["00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003"]]
select "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim"
  from "memories"
  where "tenant_id" = $1 and "id" = any($2);

-- touchMany
-- parameters: ["00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003"]]
update "memories"
  set "access_count" = access_count + 1, "last_accessed_at" = now()
  where "tenant_id" = $1 and "id" = any($2)
  returning "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim";

-- countAccess
-- parameters: ["00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003"]]
update "memories"
  set "access_count" = access_count + 1, "last_accessed_at" = now()
  where "tenant_id" = $1 and "id" = any($2);

-- edit
-- parameters: ["t","c",null,"{}","{0,1,0}","local-lexical",3,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "memories"
  set "title" = $1, "content" = $2, "importance" = coalesce($3, importance), "metadata" = metadata || $4::jsonb, "embedding" = $5::real[], "embedding_model" = $6, "embedding_dim" = $7, "updated_at" = now()
  where "id" = $8 and "tenant_id" = $9
  returning "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim";

-- deleteById
-- parameters: ["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
delete
  from "memories"
  where "id" = $1 and "tenant_id" = $2;

-- deleteMany
-- parameters: ["00000000-0000-0000-0000-000000000001",["00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000003"]]
delete
  from "memories"
  where "tenant_id" = $1 and "id" = any($2);

-- pageAfter
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-000000000002",500]
select "id", "tenant_id", "kind", "title", "key", "content", "metadata", "importance", "source_goal_id", "source_task_id", "source_agent", "source_model", "provenance", "verified", "access_count", "last_accessed_at", "created_at", "updated_at", "expires_at", "embedding_model", "embedding_dim"
  from "memories"
  where "tenant_id" = $1 and "id" > $2
  order by "id"
  limit $3;

-- countsByKind
-- parameters: ["00000000-0000-0000-0000-000000000001"]
select "kind", count(*) as "count", count(*) FILTER (WHERE verified) as "verified", avg("importance") as "avg_importance", sum("access_count") as "accesses"
  from "memories"
  where "tenant_id" = $1
  group by "kind";

-- staleEmbeddings
-- parameters: ["local-lexical",3,64]
select "id", "tenant_id", "title", "content"
  from "memories"
  where ("embedding" is null or "embedding_model" is distinct
  from $1 or "embedding_dim" is distinct
  from $2)
  order by "id"
  limit $3;

-- setEmbedding
-- parameters: ["{0,0,1}","local-lexical",3,"00000000-0000-0000-0000-000000000002","00000000-0000-0000-0000-000000000001"]
update "memories"
  set "embedding" = $1::real[], "embedding_model" = $2, "embedding_dim" = $3
  where "id" = $4 and "tenant_id" = $5;
