-- Rendered from src/memory/memory-vector.repository.ts by `npm run db:queries`; do not edit.

-- raiseBuildMemory
-- parameters: []
SET maintenance_work_mem = '512MB';

-- createHnswIndex
-- parameters: []
CREATE INDEX IF NOT EXISTS memories_embedding_hnsw_3 ON memories USING hnsw ((embedding::vector(3)) vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE embedding_dim = 3;

-- hnswSettings
-- parameters: ["300"]
SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true);

-- countFiltered
-- parameters: ["00000000-0000-0000-0000-000000000001",["procedural"]]
SELECT count(*)::int AS n FROM (SELECT 1 FROM memories WHERE tenant_id = $1 AND embedding_dim = 3 AND (expires_at IS NULL OR expires_at > now()) AND kind = ANY($2::text[]) LIMIT 1000) s;

-- rankExactly
-- parameters: ["{0.6000000238418579,0,0.800000011920929}","00000000-0000-0000-0000-000000000001",10]
WITH candidates AS MATERIALIZED (SELECT id, embedding::vector(3) <=> $1::real[]::vector(3) AS distance FROM memories WHERE tenant_id = $2 AND embedding_dim = 3 AND (expires_at IS NULL OR expires_at > now()))
        SELECT id, distance FROM candidates ORDER BY distance LIMIT $3;

-- searchIndex
-- parameters: ["{0.6000000238418579,0,0.800000011920929}","00000000-0000-0000-0000-000000000001",["procedural"],10]
SELECT id, embedding::vector(3) <=> $1::real[]::vector(3) AS distance FROM memories WHERE tenant_id = $2 AND embedding_dim = 3 AND (expires_at IS NULL OR expires_at > now()) AND kind = ANY($3::text[]) ORDER BY distance LIMIT $4;

-- rankByDotProduct
-- parameters: ["00000000-0000-0000-0000-000000000001",3,["procedural"],10]
SELECT id, embedding[1] * 0.6000000238418579 + embedding[3] * 0.800000011920929 AS similarity
        FROM memories
        WHERE tenant_id = $1 AND embedding_dim = $2 AND (expires_at IS NULL OR expires_at > now()) AND kind = ANY($3::text[])
        ORDER BY similarity DESC NULLS LAST
        LIMIT $4;
