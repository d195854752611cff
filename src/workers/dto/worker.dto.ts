import { ApiProperty } from '@nestjs/swagger';
import type { WorkerView } from '../worker-registry.service';
import { WORKER_STATUSES } from '../worker-status';

export class WorkerLoadDto {
  @ApiProperty({ description: 'Goal jobs running as of the last heartbeat' }) running!: number;
  @ApiProperty({ description: 'Goal jobs it runs at once (JOB_CONCURRENCY)' })
  concurrency!: number;
  @ApiProperty({ description: 'Task jobs (tasks of goals driven elsewhere) running' })
  tasks_running!: number;
  @ApiProperty({ description: 'Task jobs it runs at once (WORKER_TASK_CONCURRENCY)' })
  task_concurrency!: number;
}

export class WorkerJobsDto {
  @ApiProperty({ description: 'Goal jobs finished since it started' }) done!: number;
  @ApiProperty({ description: 'Goal jobs that failed (the job threw) since it started' })
  failed!: number;
  @ApiProperty({ description: 'Task jobs finished since it started' }) tasks_done!: number;
  @ApiProperty({ description: 'Task jobs that failed since it started' }) tasks_failed!: number;
}

export class WorkerDto {
  @ApiProperty({
    example: 'web-1-4242-9f86d081',
    description: 'host-pid-random, new at each start; also the owner of the goal leases it holds',
  })
  id!: string;
  @ApiProperty() host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty({ enum: ['api', 'worker'] }) role!: string;
  @ApiProperty({ description: "The product's version (package.json)" }) version!: string;
  @ApiProperty({
    enum: WORKER_STATUSES,
    description:
      'IDLE (no running job), BUSY (running jobs), DRAINING (takes no new jobs, finishing its own), OFFLINE (no heartbeat for WORKER_OFFLINE_AFTER_MS)',
  })
  status!: string;
  @ApiProperty({ type: WorkerLoadDto }) load!: WorkerLoadDto;
  @ApiProperty({
    type: [String],
    example: ['goal_execution', 'code', 'llm:openai/gpt-4o-mini'],
    description:
      'WORKER_CAPABILITIES, plus `code` when its sandbox works and `llm:<provider>/<model>`',
  })
  capabilities!: string[];
  @ApiProperty({ description: 'Milliseconds since its last heartbeat' })
  heartbeat_age_ms!: number;
  @ApiProperty() last_heartbeat_at!: string;
  @ApiProperty() started_at!: string;
  @ApiProperty({ type: WorkerJobsDto }) jobs!: WorkerJobsDto;

  static from(view: WorkerView): WorkerDto {
    return {
      id: view.id,
      host: view.host,
      pid: view.pid,
      role: view.role,
      version: view.version,
      status: view.status,
      load: {
        running: view.running,
        concurrency: view.concurrency,
        tasks_running: view.tasks_running,
        task_concurrency: view.task_concurrency,
      },
      capabilities: view.capabilities,
      heartbeat_age_ms: view.heartbeat_age_ms,
      last_heartbeat_at: new Date(view.heartbeat_at).toISOString(),
      started_at: new Date(view.started_at).toISOString(),
      jobs: {
        done: view.done,
        failed: view.failed,
        tasks_done: view.tasks_done,
        tasks_failed: view.tasks_failed,
      },
    };
  }
}

export class WorkerListDto {
  @ApiProperty({ type: [WorkerDto] }) items!: WorkerDto[];
}
