import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { PROCESS_ROLE, type ProcessRole } from '../config/config.module';

/**
 * Who this process is, for as long as it runs: `<host>-<pid>-<random>`, new at each start.
 * The same id is the owner of the goal leases it holds (`goals.lease_owner`), so a running
 * goal names the worker that drives it.
 */
@Injectable()
export class WorkerIdentity {
  readonly host = hostname();
  readonly pid = process.pid;
  readonly id = `${this.host}-${this.pid}-${randomBytes(4).toString('hex')}`;
  readonly version = productVersion();
  readonly startedAt = Date.now();

  constructor(@Inject(PROCESS_ROLE) readonly role: ProcessRole) {}
}

let version: string | undefined;

/** package.json's version, found upward from here (sources and the build alike). */
export function productVersion(): string {
  if (version !== undefined) return version;
  version = 'unknown';
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (parsed.version && parsed.name) {
        version = parsed.version;
        break;
      }
    }
    if (dirname(dir) === dir) break;
  }
  return version;
}
