import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateDir, keepPrivate } from './private-dir';

describe('private directories', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'private-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const modeOf = (dir: string) => statSync(dir).mode & 0o777;

  it('creates a directory and its missing parents for their owner only', () => {
    createPrivateDir(join(root, 'a', 'b'));
    expect([modeOf(join(root, 'a')), modeOf(join(root, 'a', 'b'))]).toEqual([0o700, 0o700]);
  });

  it('leaves a directory that already exists as it is', () => {
    chmodSync(root, 0o755);
    createPrivateDir(root);
    expect(modeOf(root)).toBe(0o755);
  });

  it('takes group and other access away, answering the earlier mode once', () => {
    chmodSync(root, 0o757);
    expect(keepPrivate(root)).toBe(0o757);
    expect(modeOf(root)).toBe(0o700);
    expect(keepPrivate(root)).toBeUndefined();
  });
});
