import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '#testing';

const ROOT = resolve(__dirname, '..');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);

/**
 * The committed API document and client are what the built app generates: a route changed
 * without `npm run sdk:generate` fails here, naming the file to regenerate.
 */
describe('the committed SDK', () => {
  const dir = tempDir('av-sdk-generate-');
  const documentFile = join(dir, 'openapi.json');

  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'dist/src/emit-openapi.js'), documentFile], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }, 120_000);

  it('holds the API document the built app emits (libs/sdk/openapi.json)', () => {
    const fresh = JSON.parse(readFileSync(documentFile, 'utf8')) as unknown;
    const committed = JSON.parse(
      readFileSync(join(ROOT, 'libs/sdk/openapi.json'), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(fresh);
  });

  it('holds the client openapi-typescript generates from it (libs/sdk/src/generated/openapi.ts)', () => {
    const generated = join(dir, 'openapi.ts');
    execFileSync(
      bin('openapi-typescript'),
      [documentFile, '--default-non-nullable', 'false', '-o', generated],
      { stdio: 'ignore' },
    );
    const formatted = execFileSync(
      bin('prettier'),
      ['--stdin-filepath', join(ROOT, 'libs/sdk/src/generated/openapi.ts')],
      { input: readFileSync(generated), encoding: 'utf8' },
    );
    expect(readFileSync(join(ROOT, 'libs/sdk/src/generated/openapi.ts'), 'utf8')).toBe(formatted);
  });
});
