import { Injectable } from '@nestjs/common';

export interface PluginFailure {
  at: string;
  where: string;
  reason: string;
}

export interface PluginHealthState {
  degraded: boolean;
  consecutive_failures: number;
  failures_total: number;
  last_failure?: PluginFailure;
}

/**
 * Failures of plugin code (a thrown error, a handler past its time limit) by plugin name;
 * a plugin with `degradeAfter` failures in a row is degraded until it succeeds again or
 * is reloaded.
 */
@Injectable()
export class PluginHealth {
  private readonly states = new Map<string, PluginHealthState>();
  degradeAfter = 3;

  recordFailure(plugin: string, where: string, reason: string): void {
    const state = this.stateOf(plugin);
    state.consecutive_failures++;
    state.failures_total++;
    state.last_failure = { at: new Date().toISOString(), where, reason };
    if (state.consecutive_failures >= this.degradeAfter) state.degraded = true;
  }

  recordSuccess(plugin: string): void {
    const state = this.states.get(plugin);
    if (state) state.consecutive_failures = 0;
  }

  isDegraded(plugin: string): boolean {
    return this.states.get(plugin)?.degraded === true;
  }

  of(plugin: string): PluginHealthState {
    return { ...this.stateOf(plugin) };
  }

  reset(plugin: string): void {
    this.states.delete(plugin);
  }

  private stateOf(plugin: string): PluginHealthState {
    let state = this.states.get(plugin);
    if (!state) {
      state = { degraded: false, consecutive_failures: 0, failures_total: 0 };
      this.states.set(plugin, state);
    }
    return state;
  }
}
