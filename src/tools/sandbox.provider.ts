import { Injectable, OnApplicationBootstrap, Provider } from '@nestjs/common';
import { ProcessSandbox } from '#sandbox';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { logFor } from '../observability/logger';
import { PlatformCapabilityRepository } from './platform-capability.repository';

const MB = 1024 * 1024;

export const sandboxProvider: Provider = {
  provide: ProcessSandbox,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new ProcessSandbox({
      bwrapPath: config.SANDBOX_BWRAP_PATH,
      uid: config.SANDBOX_UID,
      gid: config.SANDBOX_GID,
      limits: {
        cpuSeconds: config.SANDBOX_CPU_SECONDS,
        memoryBytes: config.SANDBOX_MEMORY_MB * MB,
        maxProcesses: config.SANDBOX_MAX_PROCESSES,
        maxFileBytes: config.SANDBOX_MAX_FILE_MB * MB,
        maxOutputBytes: config.SANDBOX_MAX_OUTPUT_BYTES,
        wallMs: config.SANDBOX_WALL_MS,
        tmpBytes: config.SANDBOX_TMP_MB * MB,
      },
    }),
};

export interface CodeSandboxStatus {
  available: boolean;
  detail: string;
}

/**
 * Probes bubblewrap once at start, says once whether code execution works, and records
 * the result in platform_capabilities. A failed probe disables code execution (the tools
 * answer with the reason) and the process keeps serving everything else; nothing ever
 * runs unsandboxed.
 */
@Injectable()
export class SandboxProbe implements OnApplicationBootstrap {
  private readonly log = logFor('Sandbox');

  constructor(
    private readonly sandbox: ProcessSandbox,
    private readonly capabilities: PlatformCapabilityRepository,
  ) {}

  /** This process's probe result (the probe runs once and is cached). */
  status(): Promise<CodeSandboxStatus> {
    return this.sandbox.probe();
  }

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.status();
    if (result.available) this.log.info(`code sandbox ready: ${result.detail}`);
    else
      this.log.warn(
        `code execution disabled: bubblewrap sandbox unavailable (${result.detail}); everything else runs. Install bubblewrap and python3 (apt-get install bubblewrap python3) and restart to enable execute_python and run_command`,
      );
    await this.capabilities.record({
      name: 'code_sandbox',
      available: result.available,
      detail: result.detail,
    });
  }
}
