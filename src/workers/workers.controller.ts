import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DependencyFailed, DomainError } from '#common';
import { Audit } from '../access/audit.decorator';
import { RequireAdmin, RequireElevated } from '../access/decorators';
import { WorkerDto, WorkerListDto } from './dto/worker.dto';
import { WorkerRegistry } from './worker-registry.service';

const UNREACHABLE = 'The worker registry (Redis) does not answer';

/** The processes that run jobs (platform administrators). */
@ApiTags('workers')
@Controller('api/v1/workers')
export class WorkersController {
  constructor(private readonly registry: WorkerRegistry) {}

  @Get()
  @RequireAdmin('system')
  @ApiOperation({
    summary: 'The processes that run jobs: status, load, capabilities, heartbeat',
    description:
      'Every API process that executes goals and every `npm run worker`, as of its last ' +
      'heartbeat. An entry without a heartbeat for WORKER_OFFLINE_AFTER_MS is OFFLINE, and ' +
      'leaves the list after ten times that.',
  })
  @ApiOkResponse({ type: WorkerListDto })
  @ApiServiceUnavailableResponse({ description: UNREACHABLE })
  async list(): Promise<WorkerListDto> {
    const workers = await reachable(() => this.registry.list());
    return { items: workers.map(WorkerDto.from) };
  }

  @Get(':id')
  @RequireAdmin('system')
  @ApiOperation({ summary: 'One worker' })
  @ApiOkResponse({ type: WorkerDto })
  @ApiNotFoundResponse({ description: 'No such worker in the registry' })
  @ApiServiceUnavailableResponse({ description: UNREACHABLE })
  async get(@Param('id') id: string): Promise<WorkerDto> {
    return WorkerDto.from(await reachable(() => this.registry.get(id)));
  }

  @Audit({ category: 'SECURITY', resource: 'worker', event: 'worker.drain' })
  @Post(':id/drain')
  @HttpCode(202)
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({
    summary: 'Drain a worker: it takes no new jobs, finishes its own, then leaves',
    description:
      'The process stops taking goal jobs at once, finishes the running ones within its ' +
      'SHUTDOWN_TIMEOUT_MS and leaves the registry; a worker process then exits, an API ' +
      'process keeps serving HTTP without running jobs. Asking again while it drains ' +
      'answers 202 again.',
  })
  @ApiAcceptedResponse({ type: WorkerDto, description: 'The worker, now DRAINING' })
  @ApiNotFoundResponse({ description: 'No such worker in the registry' })
  @ApiConflictResponse({ description: 'The worker is OFFLINE (worker-offline)' })
  @ApiServiceUnavailableResponse({ description: UNREACHABLE })
  async drain(@Param('id') id: string): Promise<WorkerDto> {
    return WorkerDto.from(await reachable(() => this.registry.requestDrain(id)));
  }
}

/** Answers of the registry, or 503 when its store is away (domain errors pass). */
async function reachable<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DependencyFailed('Worker registry', (error as Error).message.split('\n')[0]);
  }
}
