import { createRequire } from 'node:module';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isEsModule, type PluginSource } from './plugin-discovery';

const requireModule = createRequire(__filename);

/**
 * A real `import()`: the CommonJS build turns `import()` written in TypeScript into
 * `require()`, which cannot take the query that makes Node evaluate a changed file again.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

/** Drops the plugin's files from the require cache so the next require reads them again. */
function forgetCommonJs(source: PluginSource): void {
  const prefix = source.root === source.entry ? source.entry : source.root + sep;
  for (const key of Object.keys(requireModule.cache))
    if (key === source.entry || key.startsWith(prefix)) delete requireModule.cache[key];
}

/** The definition a module exports: its default export, its `plugin` export, or itself. */
export function definitionExport(mod: unknown): unknown {
  const m = mod as { default?: unknown; plugin?: unknown; metadata?: unknown } | undefined;
  const hasMetadata = (v: unknown) => typeof v === 'object' && v !== null && 'metadata' in v;
  if (hasMetadata(m?.default)) return m!.default;
  if (hasMetadata(m?.plugin)) return m!.plugin;
  if (hasMetadata(m)) return m;
  const nested = (m?.default as { default?: unknown; plugin?: unknown } | undefined) ?? undefined;
  if (hasMetadata(nested?.default)) return nested!.default;
  if (hasMetadata(nested?.plugin)) return nested!.plugin;
  return m?.default ?? m?.plugin;
}

/**
 * Loads a plugin's module afresh: CommonJS with `require` after clearing its files from the
 * cache, ESM with `import()` and a query that changes with `generation`.
 */
export async function loadPluginModule(source: PluginSource, generation: number): Promise<unknown> {
  if (isEsModule(source.entry)) {
    const url = pathToFileURL(source.entry);
    url.searchParams.set('generation', String(generation));
    return definitionExport(await importModule(url.href));
  }
  forgetCommonJs(source);
  return definitionExport(requireModule(source.entry));
}
