import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, isAbsolute, join, resolve } from 'node:path';

/** Where a plugin was found and the file to load it from. */
export interface PluginSource {
  /** Absolute path of the module to load. */
  entry: string;
  /** What the admin API shows: the path or package name it was given or found as. */
  source: string;
  origin: 'PLUGINS' | 'PLUGINS_DIR' | 'package';
  /** The folder whose files belong to the plugin (cleared from the require cache on reload). */
  root: string;
}

export interface DiscoveryOptions {
  /** Package names or paths (`PLUGINS`). */
  plugins: readonly string[];
  /** A folder of plugins (`PLUGINS_DIR`). */
  pluginsDir?: string;
  /** Whether installed packages declaring `agentVillage.plugin` are plugins. */
  scanPackages: boolean;
  /** The application's root: relative paths and node_modules are read from here. */
  rootDir: string;
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

interface PackageJson {
  name?: string;
  main?: string;
  type?: string;
  agentVillage?: { plugin?: unknown };
}

function readPackageJson(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

const declaredEntry = (pkg: PackageJson | undefined): string | undefined =>
  typeof pkg?.agentVillage?.plugin === 'string' ? pkg.agentVillage.plugin : undefined;

/** A plugin folder's entry: `agentVillage.plugin`, then `main`, then index.js. */
function folderEntry(dir: string): string | undefined {
  const pkg = readPackageJson(dir);
  for (const candidate of [declaredEntry(pkg), pkg?.main, 'index.js', 'index.mjs', 'index.cjs']) {
    if (!candidate) continue;
    const file = resolve(dir, candidate);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

const isPath = (spec: string) =>
  spec.startsWith('.') || isAbsolute(spec) || (!spec.startsWith('@') && spec.includes('/'));

function fromSpec(spec: string, rootDir: string): PluginSource {
  if (isPath(spec)) {
    const path = resolve(rootDir, spec);
    const isDir = existsSync(path) && statSync(path).isDirectory();
    const entry = isDir ? folderEntry(path) : path;
    if (!entry || !existsSync(entry)) throw new Error(`plugin ${spec}: no such file or folder`);
    return { entry, source: spec, origin: 'PLUGINS', root: isDir ? path : entry };
  }
  const requireFromRoot = createRequire(join(rootDir, 'package.json'));
  let dir: string | undefined;
  try {
    dir = resolve(requireFromRoot.resolve(`${spec}/package.json`), '..');
  } catch {
    dir = undefined;
  }
  const entry = dir ? folderEntry(dir) : undefined;
  if (dir && entry) return { entry, source: spec, origin: 'PLUGINS', root: dir };
  try {
    const resolved = requireFromRoot.resolve(spec);
    return { entry: resolved, source: spec, origin: 'PLUGINS', root: resolved };
  } catch {
    throw new Error(`plugin ${spec}: package not installed`);
  }
}

function fromDirectory(dir: string, display: string): PluginSource[] {
  if (!existsSync(dir)) throw new Error(`PLUGINS_DIR ${display} does not exist`);
  const found: PluginSource[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      const entry = folderEntry(path);
      if (entry)
        found.push({ entry, source: join(display, name), origin: 'PLUGINS_DIR', root: path });
    } else if (stat.isFile() && MODULE_EXTENSIONS.has(extname(name))) {
      found.push({ entry: path, source: join(display, name), origin: 'PLUGINS_DIR', root: path });
    }
  }
  return found;
}

function fromInstalledPackages(rootDir: string): PluginSource[] {
  const modules = join(rootDir, 'node_modules');
  if (!existsSync(modules)) return [];
  const dirs: string[] = [];
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      const scope = join(modules, name);
      if (statSync(scope).isDirectory())
        for (const inner of readdirSync(scope)) dirs.push(join(scope, inner));
    } else dirs.push(join(modules, name));
  }
  const found: PluginSource[] = [];
  for (const dir of dirs.sort()) {
    const pkg = readPackageJson(dir);
    const declared = declaredEntry(pkg);
    if (!declared) continue;
    const entry = resolve(dir, declared);
    if (!existsSync(entry)) continue;
    found.push({ entry, source: pkg?.name ?? dir, origin: 'package', root: dir });
  }
  return found;
}

/**
 * Every plugin to load: `PLUGINS` first, then `PLUGINS_DIR`, then installed packages that
 * declare `"agentVillage": {"plugin": "<file>"}`; a module found twice loads once. What
 * cannot be found is reported in `problems` and the rest still load.
 */
export function discoverPlugins(options: DiscoveryOptions): {
  sources: PluginSource[];
  problems: string[];
} {
  const sources: PluginSource[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const add = (source: PluginSource) => {
    if (seen.has(source.entry)) return;
    seen.add(source.entry);
    sources.push(source);
  };
  for (const spec of options.plugins) {
    try {
      add(fromSpec(spec, options.rootDir));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (options.pluginsDir) {
    try {
      for (const source of fromDirectory(
        resolve(options.rootDir, options.pluginsDir),
        options.pluginsDir,
      ))
        add(source);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (options.scanPackages)
    for (const source of fromInstalledPackages(options.rootDir)) add(source);
  return { sources, problems };
}

/** Whether Node loads the file as an ES module (.mjs, or .js under `"type": "module"`). */
export function isEsModule(file: string): boolean {
  const ext = extname(file);
  if (ext === '.mjs') return true;
  if (ext === '.cjs') return false;
  let dir = resolve(file, '..');
  for (;;) {
    const pkg = readPackageJson(dir);
    if (pkg) return pkg.type === 'module';
    const parent = resolve(dir, '..');
    if (parent === dir) return false;
    dir = parent;
  }
}
