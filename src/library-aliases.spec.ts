import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The libraries under libs/ are imported as `#common`, `#testing`, ...: package.json
 * "imports" resolves them in the build (plain node on dist/), tsconfig "paths" in the
 * compiler, and Jest maps them from package.json. The first two must name the same files.
 */
const ROOT = join(__dirname, '..');

function tsconfigPaths(): Record<string, string[]> {
  const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return (config as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
}

describe('library aliases', () => {
  const imports = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      imports: Record<string, string>;
    }
  ).imports;

  it.each(Object.entries(imports))(
    '%s names the same sources in the build and in tsconfig',
    (alias, target) => {
      const source = target.replace(/^\.\/dist\//, '').replace(/(\/index)?\.js$/, '');
      expect(tsconfigPaths()[alias]).toEqual([source]);
      if (!source.includes('*')) expect(existsSync(join(ROOT, source, 'index.ts'))).toBe(true);
    },
  );

  it('every tsconfig alias is one package.json resolves too', () => {
    expect(Object.keys(tsconfigPaths()).sort()).toEqual(Object.keys(imports).sort());
  });
});
