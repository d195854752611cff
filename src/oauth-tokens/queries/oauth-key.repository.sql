-- Rendered from src/oauth-tokens/oauth-key.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["kid-1","signing","RS256","{\"kty\":\"RSA\",\"kid\":\"kid-1\"}","v1.iv.ciphertext.tag"]
insert into "oauth_keys" ("kid", "purpose", "alg", "public_jwk", "sealed_secret")
  values ($1, $2, $3, $4, $5);

-- published
-- parameters: []
select *
  from "oauth_keys"
  where ("unpublish_after" is null or "unpublish_after" > now())
  order by "created_at" desc, "kid" desc;

-- retireSigning
-- parameters: [3600,"signing","kid-2"]
update "oauth_keys"
  set "retired_at" = now(), "unpublish_after" = now() + make_interval(secs => $1)
  where "purpose" = $2 and "retired_at" is null and "kid" not in ($3);
