-- Rendered from src/tools/platform-capability.repository.ts by `npm run db:queries`; do not edit.

-- record
-- parameters: ["code_sandbox",true,"bubblewrap 0.9"]
insert into "platform_capabilities" ("name", "available", "detail", "detected_at")
  values ($1, $2, $3, now())
  on conflict ("name") do update
  set "available" = "excluded"."available", "detail" = "excluded"."detail", "detected_at" = now();
