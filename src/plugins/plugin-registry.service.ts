import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { logFor } from '../observability/logger';
import {
  HOST_API_VERSION,
  type PluginDefinition,
  type PluginType,
} from '../plugin-contract/plugin-contract';
import { discoverPlugins, type PluginSource } from './plugin-discovery';
import { PluginNotFound, PluginRefused, PluginStateConflict } from './plugin-errors';
import type { Detach } from '../plugin-contract/plugin-extensions';
import { PluginExtensions } from '../plugin-contract/plugin-extensions';
import { PluginHealth, type PluginHealthState } from '../plugin-contract/plugin-health';
import { hostFor } from './plugin-host';
import { hostApiMismatch, validatePluginDefinition } from './plugin-metadata';
import { loadPluginModule } from './plugin-module-loader';
import { parsePluginSettings, pluginSettingsVariable } from './plugin-settings';
import { PluginCommandsBridge, type PluginCommand } from './plugin-commands-bridge';
import { TimeLimitExceeded, withinTimeLimit } from './time-limit';

export const PLUGIN_STATUSES = ['LOADED', 'DISABLED', 'DEGRADED', 'FAILED'] as const;
export type PluginStatus = (typeof PLUGIN_STATUSES)[number];

/** A plugin as the registry holds it: where it came from, what it is, how it is doing. */
interface PluginEntry {
  name: string;
  source: PluginSource;
  definition?: PluginDefinition;
  state: 'LOADED' | 'DISABLED' | 'FAILED';
  lastError?: string;
  loadedAt?: string;
  detaches: Detach[];
  /** Counts imports of the module, so an ES module is evaluated again on reload. */
  generation: number;
}

export interface PluginHealthReport extends PluginHealthState {
  ok: boolean;
  detail?: string;
}

export interface PluginView {
  name: string;
  version?: string;
  type?: PluginType;
  description?: string;
  status: PluginStatus;
  source: string;
  origin: PluginSource['origin'];
  permissions: string[];
  hooks: { hook: string; priority: string }[];
  tools: string[];
  loaded_at?: string;
  last_error?: string;
}

/**
 * Every plugin of this process and its lifecycle. Loading validates the module's metadata,
 * its host API range and its settings, calls its `load`, then hands it to every extension
 * (tools, hooks, ...) keeping what each needs to take it back. Whatever a plugin does
 * wrong (throws, hangs, asks for another host) leaves it FAILED with the reason; the host
 * goes on. All plugins load at bootstrap, after every module has registered its extension.
 */
@Injectable()
export class PluginRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = logFor('Plugins');
  private readonly entries = new Map<string, PluginEntry>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly extensions: PluginExtensions,
    private readonly health: PluginHealth,
    private readonly bridge: PluginCommandsBridge,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.bridge.onCommand((command) => this.follow(command));
    await this.loadAll();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const entry of this.entries.values())
      if (entry.state === 'LOADED') await this.deactivate(entry).catch(() => undefined);
  }

  /** Discovers the configured plugins and loads each; what cannot be found is logged. */
  async loadAll(): Promise<void> {
    const { sources, problems } = discoverPlugins({
      plugins: this.config.PLUGINS,
      pluginsDir: this.config.PLUGINS_DIR,
      scanPackages: this.config.PLUGINS_SCAN_PACKAGES,
      rootDir: process.cwd(),
    });
    for (const problem of problems) this.log.error(`plugin not loaded: ${problem}`);
    for (const source of sources) await this.register(source);
    // settings that name a plugin's part (LLM_PROVIDER, EMBEDDING_PROVIDER) are settled now
    for (const extension of this.extensions.all()) await extension.verify?.();
  }

  /** Adds a plugin from its source and loads it; the entry it ends up in (maybe FAILED). */
  async register(source: PluginSource): Promise<PluginView> {
    const entry: PluginEntry = {
      name: source.source,
      source,
      state: 'DISABLED',
      detaches: [],
      generation: 0,
    };
    await this.activate(entry);
    if (!this.entries.has(entry.name)) this.entries.set(entry.name, entry);
    return this.view(entry);
  }

  list(): PluginView[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  get(name: string): PluginView {
    return this.view(this.entryOf(name));
  }

  findByType(type: PluginType): PluginView[] {
    return this.list().filter((p) => p.type === type);
  }

  /** Counts by status, every status present (for the metrics). */
  countByStatus(): Record<PluginStatus, number> {
    const counts = Object.fromEntries(PLUGIN_STATUSES.map((s) => [s, 0])) as Record<
      PluginStatus,
      number
    >;
    for (const entry of this.entries.values()) counts[this.statusOf(entry)]++;
    return counts;
  }

  /** Loads a DISABLED plugin again from its file. */
  async enable(name: string): Promise<PluginView> {
    const entry = this.entryOf(name);
    if (entry.state !== 'DISABLED')
      throw new PluginStateConflict(name, 'enabled', this.statusOf(entry));
    await this.activate(entry);
    await this.bridge.publish({ action: 'enable', name });
    return this.view(entry);
  }

  /** Takes a loaded plugin's parts back and calls its `unload`; it stays listed as DISABLED. */
  async disable(name: string): Promise<PluginView> {
    const entry = this.entryOf(name);
    if (entry.state !== 'LOADED')
      throw new PluginStateConflict(name, 'disabled', this.statusOf(entry));
    await this.deactivate(entry);
    await this.bridge.publish({ action: 'disable', name });
    return this.view(entry);
  }

  /** Unloads a LOADED (or DEGRADED) or FAILED plugin and loads its file again. */
  async reload(name: string): Promise<PluginView> {
    const entry = this.entryOf(name);
    if (entry.state === 'DISABLED')
      throw new PluginStateConflict(name, 'reloaded', 'DISABLED (enable it instead)');
    if (entry.state === 'LOADED') await this.deactivate(entry);
    await this.activate(entry);
    await this.bridge.publish({ action: 'reload', name });
    return this.view(entry);
  }

  /** Unloads a plugin and forgets it. */
  async unload(name: string): Promise<void> {
    const entry = this.entryOf(name);
    if (entry.state === 'LOADED') await this.deactivate(entry);
    this.entries.delete(name);
  }

  /** The plugin's own `health()` within the time limit, with its failure counts. */
  async healthOf(name: string): Promise<PluginHealthReport> {
    const entry = this.entryOf(name);
    const counts = this.health.of(entry.name);
    if (entry.state !== 'LOADED')
      return {
        ...counts,
        ok: false,
        detail: entry.state === 'FAILED' ? entry.lastError : 'disabled',
      };
    const check = entry.definition?.health;
    if (!check) return { ...counts, ok: !counts.degraded };
    try {
      const result = await withinTimeLimit(
        () => check.call(entry.definition),
        this.config.PLUGIN_HEALTH_TIMEOUT_MS,
        `health check of ${entry.name}`,
      );
      return { ...counts, ok: Boolean(result?.ok) && !counts.degraded, detail: result?.detail };
    } catch (error) {
      return { ...counts, ok: false, detail: (error as Error).message };
    }
  }

  private entryOf(name: string): PluginEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new PluginNotFound(name);
    return entry;
  }

  private statusOf(entry: PluginEntry): PluginStatus {
    if (entry.state === 'LOADED' && this.health.of(entry.name).degraded) return 'DEGRADED';
    return entry.state;
  }

  /** A change another process made: follow it here, quietly when there is nothing to do. */
  private async follow(command: PluginCommand): Promise<void> {
    const entry = this.entries.get(command.name);
    if (!entry) return;
    try {
      if (command.action === 'disable' && entry.state === 'LOADED') await this.deactivate(entry);
      else if (command.action === 'enable' && entry.state === 'DISABLED')
        await this.activate(entry);
      else if (command.action === 'reload' && entry.state !== 'DISABLED') {
        if (entry.state === 'LOADED') await this.deactivate(entry);
        await this.activate(entry);
      }
    } catch (error) {
      this.log.error(`plugin ${command.name} could not follow ${command.action}`, {
        error: (error as Error).message,
      });
    }
  }

  /**
   * Imports the module afresh and applies it, within PLUGIN_LOAD_TIMEOUT_MS. A load that
   * finishes after its time limit is taken back at once, so a FAILED plugin holds nothing.
   */
  private async activate(entry: PluginEntry): Promise<void> {
    const attempt = { timedOut: false };
    const applied: { definition?: PluginDefinition; detaches: Detach[]; loaded: boolean } = {
      detaches: [],
      loaded: false,
    };
    this.health.reset(entry.name);
    try {
      await withinTimeLimit(
        () => this.apply(entry, applied, attempt),
        this.config.PLUGIN_LOAD_TIMEOUT_MS,
        `loading plugin ${entry.name}`,
      );
      entry.state = 'LOADED';
      entry.definition = applied.definition;
      entry.detaches = applied.detaches;
      entry.loadedAt = new Date().toISOString();
      entry.lastError = undefined;
      this.log.info(`plugin ${entry.name} ${entry.definition?.metadata.version} loaded`, {
        source: entry.source.source,
      });
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof TimeLimitExceeded) attempt.timedOut = true;
      else await this.rollBack(entry.name, applied);
      entry.state = 'FAILED';
      entry.definition = applied.definition ?? entry.definition;
      entry.detaches = [];
      entry.lastError = reason;
      this.log.error(`plugin ${entry.name} not loaded: ${reason}`, { source: entry.source.source });
    }
  }

  private async apply(
    entry: PluginEntry,
    applied: { definition?: PluginDefinition; detaches: Detach[]; loaded: boolean },
    attempt: { timedOut: boolean },
  ): Promise<void> {
    let exported: unknown;
    try {
      exported = await loadPluginModule(entry.source, ++entry.generation);
    } catch (error) {
      throw new PluginRefused(`its module threw while loading: ${(error as Error).message}`);
    }
    const definition = validatePluginDefinition(exported);
    const name = definition.metadata.name;
    const holder = this.entries.get(name);
    if (holder && holder !== entry && holder.source.entry !== entry.source.entry)
      throw new PluginRefused(
        `a plugin named ${name} is already registered from ${holder.source.source}`,
      );
    if (entry.name !== name) {
      const isListed = this.entries.get(entry.name) === entry;
      if (isListed) this.entries.delete(entry.name);
      entry.name = name;
      if (isListed) this.entries.set(name, entry);
    }
    applied.definition = definition;
    const mismatch = hostApiMismatch(definition.metadata.hostApi, HOST_API_VERSION);
    if (mismatch) throw new PluginRefused(mismatch);
    const settings = parsePluginSettings(
      name,
      definition.settingsSchema,
      this.config.pluginSettings?.[pluginSettingsVariable(name)],
    );
    const host = hostFor(definition, settings);
    if (definition.load) {
      try {
        await definition.load(host);
      } catch (error) {
        throw new PluginRefused(`its load() threw: ${(error as Error).message}`);
      }
    }
    applied.loaded = true;
    for (const extension of this.extensions.all()) {
      if (attempt.timedOut) break;
      try {
        applied.detaches.push(await extension.attach(definition, host));
      } catch (error) {
        throw new PluginRefused(`${extension.name}: ${(error as Error).message}`);
      }
    }
    if (attempt.timedOut) await this.rollBack(name, applied);
  }

  private async rollBack(
    name: string,
    applied: { definition?: PluginDefinition; detaches: Detach[]; loaded: boolean },
  ): Promise<void> {
    for (const detach of applied.detaches.reverse())
      await Promise.resolve()
        .then(detach)
        .catch((error: Error) =>
          this.log.warn(`plugin ${name}: taking back a part failed`, { error: error.message }),
        );
    applied.detaches = [];
    if (applied.loaded && applied.definition?.unload)
      await withinTimeLimit(
        () => applied.definition!.unload!(),
        this.config.PLUGIN_LOAD_TIMEOUT_MS,
        `unload of ${name}`,
      ).catch((error: Error) =>
        this.log.warn(`plugin ${name}: unload() failed`, { error: error.message }),
      );
    applied.loaded = false;
  }

  private async deactivate(entry: PluginEntry): Promise<void> {
    await this.rollBack(entry.name, {
      definition: entry.definition,
      detaches: entry.detaches,
      loaded: true,
    });
    entry.detaches = [];
    entry.state = 'DISABLED';
    this.health.reset(entry.name);
    this.log.info(`plugin ${entry.name} unloaded`);
  }

  private view(entry: PluginEntry): PluginView {
    const d = entry.definition;
    return {
      name: entry.name,
      version: d?.metadata.version,
      type: d?.metadata.type,
      description: d?.metadata.description,
      status: this.statusOf(entry),
      source: entry.source.source,
      origin: entry.source.origin,
      permissions: [...(d?.metadata.permissions ?? [])],
      hooks: (d?.hooks ?? []).map((h) => ({ hook: h.hook, priority: h.priority ?? 'NORMAL' })),
      tools: (d?.tools ?? []).map((t) => t.name),
      loaded_at: entry.state === 'LOADED' ? entry.loadedAt : undefined,
      last_error: entry.lastError,
    };
  }
}
