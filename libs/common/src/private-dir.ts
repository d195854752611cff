import { chmodSync, mkdirSync, statSync } from 'node:fs';

/**
 * Creates `dir` and any missing parents readable by their owner only (0700). A directory
 * that already exists is left as it is: it may be one the operator shares on purpose.
 */
export function createPrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Takes group and other access away from a directory the product made for itself (a
 * database's files, say), when this process's user owns it. Answers its earlier mode when
 * that was looser, so the caller can say what it changed.
 */
export function keepPrivate(dir: string): number | undefined {
  const stat = statSync(dir);
  if ((stat.mode & 0o077) === 0) return undefined;
  if (typeof process.getuid !== 'function' || stat.uid !== process.getuid()) return undefined;
  chmodSync(dir, 0o700);
  return stat.mode & 0o777;
}
