import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveWorkingDir } from './mcp-working-dir';

describe('a stdio server working directory', () => {
  const base = mkdtempSync(join(tmpdir(), 'av-mcp-wd-'));
  const root = join(base, 'mcp');
  const outside = join(base, 'data');
  beforeAll(() => {
    mkdirSync(join(root, 'files'), { recursive: true });
    mkdirSync(join(base, 'mcp-evil'));
    mkdirSync(outside);
    writeFileSync(join(root, 'file.txt'), 'x');
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(root, 'files'), join(base, 'alias'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('is taken inside an open directory, or as that directory, with links resolved', async () => {
    expect(await resolveWorkingDir(join(root, 'files'), [root])).toEqual({
      path: join(root, 'files'),
    });
    expect(await resolveWorkingDir(root, [`${root}/`])).toEqual({ path: root });
    // a link from elsewhere into the open directory is where it leads
    expect(await resolveWorkingDir(join(base, 'alias'), [root])).toEqual({
      path: join(root, 'files'),
    });
  });

  it('is refused outside, through a link that leads out, or under a name that only starts the same', async () => {
    for (const path of [outside, join(root, 'escape'), join(base, 'mcp-evil'), '/', '/etc'])
      expect(await resolveWorkingDir(path, [root])).toEqual({
        problem: `must be inside ${root} (MCP_WORKING_DIRS)`,
      });
  });

  it('must be an existing directory, and nothing is open when no directory is configured', async () => {
    for (const path of [join(root, 'missing'), join(root, 'file.txt')])
      expect(await resolveWorkingDir(path, [root])).toEqual({
        problem: 'must be an existing directory',
      });
    expect(await resolveWorkingDir(join(root, 'files'), [])).toEqual({
      problem: 'cannot be set: no directory is open to stdio servers (MCP_WORKING_DIRS)',
    });
  });
});
