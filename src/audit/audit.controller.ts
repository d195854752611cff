import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditEntryDto, AuditPageDto, ChainReportDto } from './dto/audit-entry.dto';
import type { Response } from 'express';
import { NotFound } from '#common';
import type { AccessContext } from '../access/access-context';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { Audit } from '../access/audit.decorator';
import { Caller, RequirePermission } from '../access/decorators';
import { AccessDenied } from '../auth/auth-errors';
import { heldPermissions } from '../rbac/principal-policy';
import type { AuditFilters } from './audit-query';
import { AuditEventRepository } from './audit-event.repository';
import { AuditVerifier, type ChainReport } from './audit-verifier';
import { auditView, CSV_HEADER, csvLine } from './audit-views';
import { AuditExportQueryDto, AuditQueryDto, AuditVerifyQueryDto } from './dto/audit-query.dto';

const EXPORT_PAGE = 1000;

/** The tenant a query reads: the caller's own, or any for a platform administrator. */
function tenantOf(caller: AccessContext, requested: string | undefined): string {
  if (!requested || requested.toLowerCase() === caller.tenantId) return caller.tenantId;
  // judged by what an API key's scopes cover too: a platform administrator's key scoped to
  // reading audit entries reads its own tenant's
  if (!heldPermissions(caller).has('admin:system'))
    throw new AccessDenied("Only platform administrators read another tenant's audit log.");
  return requested.toLowerCase();
}

function filtersOf(caller: AccessContext, q: AuditQueryDto, limit: number): AuditFilters {
  return {
    tenantId: tenantOf(caller, q.tenant_id),
    start: q.start_time ? new Date(q.start_time) : undefined,
    end: q.end_time ? new Date(q.end_time) : undefined,
    actorId: q.actor_id,
    actorType: q.actor_type,
    ip: q.ip,
    resourceType: q.resource_type,
    resourceId: q.resource_id,
    categories: q.categories,
    severities: q.severities,
    outcomes: q.outcomes,
    eventType: q.event_type,
    text: q.search,
    tags: q.tags,
    sort: q.sort ?? 'desc',
    limit,
    offset: q.offset ?? 0,
  };
}

@ApiTags('audit')
@Controller('api/v1/audit')
@Audit({ category: 'DATA_ACCESS', resource: 'audit' })
export class AuditController {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get()
  @RequirePermission('audit:read', 'audit')
  @ApiOperation({
    summary: "Search the tenant's audit log",
    description:
      'Every filter narrows; lists are comma-separated; newest first unless sort=asc. Ties in time are ordered by the chain position, so pages are stable.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Caller() caller: AccessContext, @Query() query: AuditQueryDto) {
    const limit = query.limit ?? 20;
    const { items, total } = await this.events.search(filtersOf(caller, query, limit));
    return { items: items.map(auditView), total, limit, offset: query.offset ?? 0 };
  }

  @Get('export')
  @RequirePermission('audit:export', 'audit')
  @ApiOperation({ summary: 'Export the matching entries, streamed (JSONL or CSV)' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({
    description: 'One entry per line (JSONL), or CSV with a header row',
    content: {
      'application/x-ndjson': { schema: { type: 'string', description: 'AuditEntry per line' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async export(
    @Caller() caller: AccessContext,
    @Query() query: AuditExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const csv = query.format === 'csv';
    const filters = filtersOf(caller, query, EXPORT_PAGE);
    res.status(200);
    res.type(csv ? 'text/csv' : 'application/x-ndjson');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-${filters.tenantId}.${csv ? 'csv' : 'jsonl'}"`,
    );
    if (csv) res.write(CSV_HEADER);
    for (let offset = filters.offset; ; offset += EXPORT_PAGE) {
      const { items } = await this.events.search({ ...filters, offset });
      for (const row of items) {
        const view = auditView(row);
        res.write(csv ? csvLine(view) : JSON.stringify(view) + '\n');
      }
      if (items.length < EXPORT_PAGE) break;
    }
    res.end();
  }

  @Get('verify')
  @RequirePermission('audit:read', 'audit')
  @ApiOperation({
    summary: "Walk the tenant's hash chain and report the first entry changed or removed",
  })
  @ApiOkResponse({ type: ChainReportDto })
  verify(
    @Caller() caller: AccessContext,
    @Query() query: AuditVerifyQueryDto,
  ): Promise<ChainReport> {
    return this.verifier.verify(tenantOf(caller, query.tenant_id));
  }

  @Get(':id')
  @RequirePermission('audit:read', 'audit', 'id')
  @ApiOperation({ summary: 'One audit entry' })
  @ApiOkResponse({ type: AuditEntryDto, description: 'The entry' })
  async get(@Caller() caller: AccessContext, @Param('id', new UuidParamPipe()) id: string) {
    const row = await this.events.byId(caller.tenantId, id.toLowerCase());
    if (!row) throw new NotFound('audit-event', id);
    return auditView(row);
  }
}
