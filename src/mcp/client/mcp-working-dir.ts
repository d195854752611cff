import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';

/**
 * Where a stdio server's working directory really is (symbolic links resolved), or why it
 * cannot be one: it must be an existing directory inside one of `roots`
 * (MCP_WORKING_DIRS), themselves resolved. It is mounted into the sandbox read-only, so
 * anywhere else would let a tenant administrator read host files through their server.
 */
export async function resolveWorkingDir(
  path: string,
  roots: readonly string[],
): Promise<{ path: string } | { problem: string }> {
  const real = await realpath(path).catch(() => undefined);
  if (!real || !(await stat(real).catch(() => undefined))?.isDirectory())
    return { problem: 'must be an existing directory' };
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (
      realRoot &&
      (real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    )
      return { path: real };
  }
  return {
    problem: roots.length
      ? `must be inside ${roots.join(' or ')} (MCP_WORKING_DIRS)`
      : 'cannot be set: no directory is open to stdio servers (MCP_WORKING_DIRS)',
  };
}
