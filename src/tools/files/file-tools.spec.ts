import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tool } from '../tool';
import { fileTools } from './file-tools';

describe('file tools confined to the workspace', () => {
  let base: string;
  let ws: string;
  let outside: string;
  const tools = new Map(fileTools({ maxBytes: 1000 }).map((t) => [t.name, t]));
  const run = (name: string, args: unknown) =>
    (tools.get(name) as Tool).run(args, {
      tenantId: 't',
      goalId: 'g',
      taskId: 'x',
      workspaceDir: ws,
    });

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'av-ws-'));
    ws = join(base, 'ws');
    mkdirSync(ws);
    outside = join(base, 'secret.txt');
    writeFileSync(outside, 'top secret');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('reads, writes, lists, copies, moves, searches, inspects and deletes inside the workspace', async () => {
    await run('write_file', { path: 'notes/a.txt', content: 'hello world\nsecond line' });
    expect(await run('read_file', { path: 'notes/a.txt' })).toMatchObject({
      content: 'hello world\nsecond line',
      truncated: false,
    });
    await run('create_directory', { path: 'out/deep' });
    await run('copy_file', { source: 'notes/a.txt', destination: 'out/b.txt' });
    await run('move_file', { source: 'out/b.txt', destination: 'out/deep/c.txt' });
    expect(await run('list_directory', { path: 'out' })).toMatchObject({
      entries: [{ name: 'deep', type: 'directory' }],
    });
    expect(await run('search_files', { query: 'second' })).toMatchObject({
      matches: expect.arrayContaining([{ path: 'notes/a.txt', line: 2, text: 'second line' }]),
    });
    expect(await run('search_files', { name: '*.txt' })).toMatchObject({
      matches: expect.arrayContaining([{ path: 'out/deep/c.txt' }]),
    });
    expect(await run('file_info', { path: 'out/deep/c.txt' })).toMatchObject({
      type: 'file',
      size: 23,
    });
    await run('delete_file', { path: 'out/deep/c.txt' });
    await expect(run('read_file', { path: 'out/deep/c.txt' })).rejects.toThrow(/does not exist/);
  });

  it.each([
    '../secret.txt',
    'notes/../../secret.txt',
    '/etc/passwd',
    '~/x',
    'C:\\x',
    'a/..\\..\\secret.txt',
  ])('refuses the escaping path %p', async (path) => {
    await expect(run('read_file', { path })).rejects.toThrow(/traversal|absolute/);
    await expect(run('write_file', { path, content: 'x' })).rejects.toThrow(/traversal|absolute/);
  });

  it('refuses symlink escapes (file and directory links)', async () => {
    symlinkSync(outside, join(ws, 'link.txt'));
    symlinkSync(base, join(ws, 'dirlink'));
    await expect(run('read_file', { path: 'link.txt' })).rejects.toThrow(/symbolic link/);
    await expect(run('write_file', { path: 'link.txt', content: 'pwned' })).rejects.toThrow(
      /symbolic link/,
    );
    await expect(run('read_file', { path: 'dirlink/secret.txt' })).rejects.toThrow(/symbolic link/);
    await expect(run('write_file', { path: 'dirlink/new.txt', content: 'x' })).rejects.toThrow(
      /symbolic link/,
    );
    await expect(run('copy_file', { source: 'link.txt', destination: 'copy.txt' })).rejects.toThrow(
      /symbolic link/,
    );
    await expect(run('list_directory', { path: 'dirlink' })).rejects.toThrow(/symbolic link/);
    expect(readFileSync(outside, 'utf8')).toBe('top secret');
  });

  it('refuses hard links to files outside', async () => {
    linkSync(outside, join(ws, 'hard.txt'));
    await expect(run('read_file', { path: 'hard.txt' })).rejects.toThrow(/hard-linked/);
    await expect(run('write_file', { path: 'hard.txt', content: 'pwned' })).rejects.toThrow(
      /hard-linked/,
    );
    expect(readFileSync(outside, 'utf8')).toBe('top secret');
  });

  it('limits read and write sizes', async () => {
    await expect(run('write_file', { path: 'big.txt', content: 'x'.repeat(1001) })).rejects.toThrow(
      /write limit is 1000/,
    );
    writeFileSync(join(ws, 'big.txt'), 'y'.repeat(5000));
    expect(await run('read_file', { path: 'big.txt' })).toMatchObject({
      bytes: 5000,
      truncated: true,
    });
  });
});
