import { Controller, Get, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG } from '../config/config.module';
import { Public } from '../access/decorators';
import type { AppConfig } from '../config/app-config';
import { DatabaseAvailability } from '../database/database-availability.service';
import { JOB_QUEUE, JobQueue } from '../queue/job-queue';
import { SandboxProbe } from '../tools/sandbox.provider';
import { LlmService } from '../llm/llm.service';
import { LivenessDto, LlmReadinessDto, ReadinessDto } from './dto/health.dto';

interface Check {
  status: 'up' | 'down';
  latency_ms: number;
  error?: string;
  /** Database: goals of this process waiting for it to come back (not failed). */
  goals_waiting?: number;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    private readonly sandboxProbe: SandboxProbe,
    private readonly llm: LlmService,
    private readonly availability: DatabaseAvailability,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok', mode: this.config.mode, uptime_s: Math.round(process.uptime()) };
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness (alias)' })
  @ApiOkResponse({ type: LivenessDto })
  liveAlias(): LivenessDto {
    return this.live();
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness: the database and (when configured) Redis answer',
    description:
      'capabilities lists what this process can do but does not need to be ready: code_sandbox.available is false when bubblewrap is missing (code execution is refused, everything else runs).',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'All dependencies up' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'A dependency is down' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessDto> {
    const checks: Record<string, Check> = {
      database: await timed(() => this.availability.ping()),
    };
    const waiting = this.availability.waitingGoals;
    if (waiting) checks.database.goals_waiting = waiting;
    if (this.queue.kind === 'bullmq') checks.redis = await timed(() => this.queue.ping());
    const up = Object.values(checks).every((c) => c.status === 'up');
    res.status(up ? 200 : 503);
    const capabilities = { code_sandbox: await this.sandboxProbe.status() };
    return { status: up ? 'ready' : 'not_ready', checks, capabilities, llm: this.llmReadiness() };
  }

  /** Which provider and model this process calls, and how structured calls reach it. */
  private llmReadiness(): LlmReadinessDto {
    if (this.llm.isOffline) return { provider: 'offline' };
    const structured = this.llm.structuredStatus;
    return {
      provider: this.llm.provider,
      model: this.llm.modelName,
      availability: this.llm.availability.status,
      structured_output: {
        mode: structured.mode,
        channel: structured.channel,
        sends: structured.sends,
        fallbacks: structured.fallbacks,
      },
    };
  }
}

async function timed(probe: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  const started = performance.now();
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latency_ms: Math.round(performance.now() - started),
      error: (error as Error).message.split('\n')[0],
    };
  }
}
