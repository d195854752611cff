-- Rendered from src/sso/saml-session.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-4000-8000-000000000003","00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002","alice@acme.test","urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress","_index"]
insert into "saml_sessions" ("session_id", "tenant_id", "provider_id", "name_id", "name_id_format", "session_index")
  values ($1, $2, $3, $4, $5, $6);

-- bySession
-- parameters: ["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000003"]
select "provider_id", "name_id", "name_id_format", "session_index"
  from "saml_sessions"
  where "tenant_id" = $1 and "session_id" = $2;

-- liveOf
-- parameters: ["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002","alice@acme.test","00000000-0000-4000-8000-000000000001"]
select "s"."session_id", "u"."user_id"
  from "saml_sessions" as "s"
  inner join "user_sessions" as "u" on "u"."id" = "s"."session_id"
  where "s"."tenant_id" = $1 and "s"."provider_id" = $2 and "s"."name_id" = $3 and "u"."tenant_id" = $4 and "u"."revoked_at" is null;

-- liveOf (one IdP session)
-- parameters: ["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002","alice@acme.test","_index","00000000-0000-4000-8000-000000000001"]
select "s"."session_id", "u"."user_id"
  from "saml_sessions" as "s"
  inner join "user_sessions" as "u" on "u"."id" = "s"."session_id"
  where "s"."tenant_id" = $1 and "s"."provider_id" = $2 and "s"."name_id" = $3 and "s"."session_index" = $4 and "u"."tenant_id" = $5 and "u"."revoked_at" is null;
