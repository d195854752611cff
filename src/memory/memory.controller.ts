import { RequirePermission } from '../access/decorators';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { currentTenantId } from '../common/request-context';
import { MemoryKeeper } from './memory-keeper.service';
import {
  CreateMemoryDto,
  MaintenanceReportDto,
  MemoryDto,
  MemorySearchResultDto,
  MemoryStatsDto,
  SearchMemoryQuery,
  UpdateMemoryDto,
} from './memory.dto';
import { MemoryService } from './memory.service';

const uuid = new UuidParamPipe();

@ApiTags('memory')
@Controller('api/v1/memory')
export class MemoryController {
  constructor(
    private readonly memory: MemoryService,
    private readonly keeper: MemoryKeeper,
  ) {}

  @Post()
  @RequirePermission('memory:write', 'memory')
  @ApiOperation({ summary: 'Store a memory (embedded for similarity search)' })
  @ApiCreatedResponse({ type: MemoryDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  create(@Body() body: CreateMemoryDto): Promise<MemoryDto> {
    return this.memory.create(currentTenantId(), {
      type: body.type,
      content: body.content,
      title: body.title ?? null,
      key: body.key ?? null,
      importance: body.importance,
      metadata: body.metadata,
      source: {
        goal_id: body.source_goal_id ?? null,
        task_id: body.source_task_id ?? null,
        agent: body.source_agent ?? null,
      },
      provenance: { created_via: 'api' },
      expires_at: body.ttl_days ? new Date(Date.now() + body.ttl_days * 86_400_000) : undefined,
    });
  }

  @Get('search')
  @RequirePermission('memory:read', 'memory')
  @ApiOperation({
    summary: 'Search memories by similarity',
    description:
      'Cosine similarity of embeddings. With the local embedding (no EMBEDDING_BASE_URL) similarity is lexical: shared words and word pieces, not meaning.',
  })
  @ApiOkResponse({ type: MemorySearchResultDto })
  async search(@Query() query: SearchMemoryQuery): Promise<MemorySearchResultDto> {
    const items = await this.memory.search(currentTenantId(), query.q, {
      types: query.type ? [query.type] : undefined,
      k: query.k ?? 10,
      minSimilarity: query.min_similarity,
    });
    return {
      items,
      embedding_model: this.memory.embedder.model,
      lexical: this.memory.embedder.lexical,
      vector_backend: this.memory.vectors.backend,
    };
  }

  @Get('stats')
  @RequirePermission('memory:read', 'memory')
  @ApiOperation({
    summary: 'Counts by memory type, knowledge graph size, embedding and vector backend',
  })
  @ApiOkResponse({ type: MemoryStatsDto })
  stats(): Promise<MemoryStatsDto> {
    return this.memory.stats(currentTenantId());
  }

  @Get('export')
  @RequirePermission('memory:read', 'memory')
  @ApiOperation({ summary: 'Every memory of the tenant as JSON Lines (one memory per line)' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: 'JSON Lines: one memory per line',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  async export(@Res() res: Response): Promise<void> {
    const tenantId = currentTenantId();
    res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="memories.jsonl"');
    for await (const memory of this.memory.exportAll(tenantId)) {
      if (!res.write(`${JSON.stringify(memory)}\n`))
        await new Promise<void>((resolve) => res.once('drain', () => resolve()));
    }
    res.end();
  }

  @Post('maintenance')
  @RequirePermission('memory:delete', 'memory')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Run the memory keeper now: merge near-duplicates, summarise old episodes, apply retention',
  })
  @ApiOkResponse({ type: MaintenanceReportDto })
  maintain(): Promise<MaintenanceReportDto> {
    return this.keeper.maintain(currentTenantId());
  }

  @Get(':id')
  @RequirePermission('memory:read', 'memory', 'id')
  @ApiOperation({ summary: 'One memory (counts as an access)' })
  @ApiOkResponse({ type: MemoryDto })
  @ApiNotFoundResponse({ description: 'No such memory' })
  get(@Param('id', uuid) id: string): Promise<MemoryDto> {
    return this.memory.get(currentTenantId(), id);
  }

  @Patch(':id')
  @RequirePermission('memory:write', 'memory', 'id')
  @ApiOperation({ summary: 'Edit a memory; changed text is re-embedded' })
  @ApiOkResponse({ type: MemoryDto })
  @ApiNotFoundResponse({ description: 'No such memory' })
  update(@Param('id', uuid) id: string, @Body() body: UpdateMemoryDto): Promise<MemoryDto> {
    return this.memory.update(currentTenantId(), id, body);
  }

  @Delete(':id')
  @RequirePermission('memory:delete', 'memory', 'id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget a memory' })
  @ApiNoContentResponse({ description: 'Forgotten' })
  @ApiNotFoundResponse({ description: 'No such memory' })
  async delete(@Param('id', uuid) id: string): Promise<void> {
    await this.memory.delete(currentTenantId(), id);
  }
}
