import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverPlugins, isEsModule } from './plugin-discovery';

const definition = (name: string) =>
  `module.exports = { metadata: { name: '${name}', version: '1.0.0', type: 'TOOL', hostApi: '^1.0.0' } };\n`;

describe('plugin discovery', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'av-plugins-'));
    const dir = join(root, 'plugins');
    mkdirSync(join(dir, 'folder-plugin'), { recursive: true });
    writeFileSync(join(dir, 'file-plugin.js'), definition('file-plugin'));
    writeFileSync(join(dir, 'module-plugin.mjs'), 'export default {};\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a plugin');
    writeFileSync(join(dir, 'folder-plugin', 'index.js'), definition('folder-plugin'));
    mkdirSync(join(dir, 'empty-folder'));
    const declared = join(root, 'node_modules', '@acme', 'village-plugin');
    mkdirSync(join(declared, 'dist'), { recursive: true });
    writeFileSync(
      join(declared, 'package.json'),
      JSON.stringify({ name: '@acme/village-plugin', agentVillage: { plugin: './dist/index.js' } }),
    );
    writeFileSync(join(declared, 'dist', 'index.js'), definition('acme'));
    const ordinary = join(root, 'node_modules', 'left-pad');
    mkdirSync(ordinary, { recursive: true });
    writeFileSync(join(ordinary, 'package.json'), JSON.stringify({ name: 'left-pad' }));
    writeFileSync(join(ordinary, 'index.js'), 'module.exports = {};');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds file and folder plugins in PLUGINS_DIR and packages that declare a plugin', () => {
    const { sources, problems } = discoverPlugins({
      plugins: [],
      pluginsDir: 'plugins',
      scanPackages: true,
      rootDir: root,
    });
    expect(problems).toEqual([]);
    expect(sources.map((s) => [s.origin, s.source, s.entry.slice(root.length)])).toEqual([
      ['PLUGINS_DIR', 'plugins/file-plugin.js', '/plugins/file-plugin.js'],
      ['PLUGINS_DIR', 'plugins/folder-plugin', '/plugins/folder-plugin/index.js'],
      ['PLUGINS_DIR', 'plugins/module-plugin.mjs', '/plugins/module-plugin.mjs'],
      ['package', '@acme/village-plugin', '/node_modules/@acme/village-plugin/dist/index.js'],
    ]);
  });

  it('loads PLUGINS by path or package name once, and reports what it cannot find', () => {
    const { sources, problems } = discoverPlugins({
      plugins: ['./plugins/folder-plugin', '@acme/village-plugin', 'not-installed', './missing.js'],
      pluginsDir: 'plugins',
      scanPackages: true,
      rootDir: root,
    });
    expect(sources.filter((s) => s.origin === 'PLUGINS').map((s) => s.source)).toEqual([
      './plugins/folder-plugin',
      '@acme/village-plugin',
    ]);
    expect(
      sources.map((s) => s.entry).filter((e) => e.endsWith('folder-plugin/index.js')),
    ).toHaveLength(1);
    expect(problems).toEqual([
      'plugin not-installed: package not installed',
      'plugin ./missing.js: no such file or folder',
    ]);
  });

  it('leaves installed packages alone when scanning is off', () => {
    const { sources } = discoverPlugins({ plugins: [], scanPackages: false, rootDir: root });
    expect(sources).toEqual([]);
  });

  it('tells ES modules from CommonJS', () => {
    expect(isEsModule(join(root, 'plugins', 'module-plugin.mjs'))).toBe(true);
    expect(isEsModule(join(root, 'plugins', 'file-plugin.js'))).toBe(false);
    writeFileSync(join(root, 'plugins', 'package.json'), JSON.stringify({ type: 'module' }));
    expect(isEsModule(join(root, 'plugins', 'file-plugin.js'))).toBe(true);
  });
});
