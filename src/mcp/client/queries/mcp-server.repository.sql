-- Rendered from src/mcp/client/mcp-server.repository.ts by `npm run db:queries`; do not edit.

-- insert
-- parameters: ["00000000-0000-0000-0000-0000000000c1","00000000-0000-0000-0000-000000000001",null,"files",null,"stdio","node",["server.js"],"/opt/mcp/files","{\"TOKEN\":\"sealed\"}",null,"{}","EXECUTE","HIGH",true,"{\"read\":{\"permission\":\"READ_ONLY\",\"risk\":\"LOW\",\"requires_approval\":false}}",true]
insert into "mcp_servers" ("id", "tenant_id", "created_by", "name", "description", "transport", "command", "args", "working_dir", "sealed_env", "url", "sealed_headers", "default_permission", "default_risk", "default_requires_approval", "tool_overrides", "enabled")
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
  returning *;

-- byId
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
select *
  from "mcp_servers"
  where "tenant_id" = $1 and "id" = $2;

-- byName
-- parameters: ["00000000-0000-0000-0000-000000000001","files"]
select "id"
  from "mcp_servers"
  where "tenant_id" = $1 and "name" = $2;

-- list
-- parameters: ["00000000-0000-0000-0000-000000000001",1000]
select *
  from "mcp_servers"
  where "tenant_id" = $1
  order by "name"
  limit $2;

-- enabledOf
-- parameters: ["00000000-0000-0000-0000-000000000001",true,1000]
select *
  from "mcp_servers"
  where "tenant_id" = $1 and "enabled" = $2
  order by "name"
  limit $3;

-- update
-- parameters: ["files",null,"stdio","node",["server.js"],"/opt/mcp/files","{\"TOKEN\":\"sealed\"}",null,"{}","EXECUTE","HIGH",true,"{\"read\":{\"permission\":\"READ_ONLY\",\"risk\":\"LOW\",\"requires_approval\":false}}",true,"00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "mcp_servers"
  set "name" = $1, "description" = $2, "transport" = $3, "command" = $4, "args" = $5, "working_dir" = $6, "sealed_env" = $7, "url" = $8, "sealed_headers" = $9, "default_permission" = $10, "default_risk" = $11, "default_requires_approval" = $12, "tool_overrides" = $13, "enabled" = $14, "updated_at" = now()
  where "tenant_id" = $15 and "id" = $16
  returning *;

-- delete
-- parameters: ["00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
delete
  from "mcp_servers"
  where "tenant_id" = $1 and "id" = $2;

-- recordStatus
-- parameters: ["CONNECTED",null,"[{\"name\":\"read\",\"description\":\"Reads a file\",\"read_only\":true}]","00000000-0000-0000-0000-000000000001","00000000-0000-0000-0000-0000000000c1"]
update "mcp_servers"
  set "last_status" = $1, "last_error" = $2, "last_tools" = $3, "last_checked_at" = now()
  where "tenant_id" = $4 and "id" = $5;
