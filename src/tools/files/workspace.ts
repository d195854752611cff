import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/**
 * A goal's workspace (`DATA_DIR/workspaces/<tenant>/<goal>`) and the only door into it:
 * relative paths only, no `..`, no symlinks anywhere on the path, no hard-linked files,
 * final components opened with O_NOFOLLOW and the opened descriptor checked to be inside.
 * Pure Node, no Nest.
 */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export function workspaceDir(dataDir: string, tenantId: string, goalId: string): string {
  for (const id of [tenantId, goalId])
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new WorkspaceError(`invalid workspace id ${id}`);
  return resolve(dataDir, 'workspaces', tenantId, goalId);
}

export class Workspace {
  private constructor(readonly root: string) {}

  static async open(dir: string): Promise<Workspace> {
    // other users of the machine have no business with a tenant's files
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    return new Workspace(await fs.realpath(dir));
  }

  /** Validates a workspace-relative path and returns its segments. */
  segments(path: string): string[] {
    if (typeof path !== 'string' || path.length === 0) throw new WorkspaceError('path is empty');
    if (path.length > 1024) throw new WorkspaceError('path is longer than 1024 characters');
    if (path.includes('\0')) throw new WorkspaceError('path contains a NUL byte');
    if (
      path.startsWith('/') ||
      path.startsWith('\\') ||
      /^[a-z]:/i.test(path) ||
      path.startsWith('~')
    )
      throw new WorkspaceError(
        `absolute paths are not allowed (${path}); use a path relative to the workspace`,
      );
    const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    if (parts.some((p) => p === '..'))
      throw new WorkspaceError(
        `path traversal is not allowed (${path}): ".." leaves the workspace`,
      );
    return parts;
  }

  /** Absolute host path of a validated relative path; checks no existing component is a symlink. */
  async resolve(path: string, options: { allowRoot?: boolean } = {}): Promise<string> {
    const parts = this.segments(path);
    if (!parts.length && !options.allowRoot)
      throw new WorkspaceError('path names the workspace itself');
    let current = this.root;
    for (const part of parts) {
      current = join(current, part);
      const stat = await fs.lstat(current).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (!stat) break;
      if (stat.isSymbolicLink())
        throw new WorkspaceError(
          `symbolic links are not followed (${relative(this.root, current)})`,
        );
    }
    return join(this.root, ...parts);
  }

  relative(abs: string): string {
    return relative(this.root, abs);
  }

  /** Makes sure an opened descriptor really is inside the workspace (defeats swapped parents). */
  private async assertInside(handle: FileHandle, shown: string): Promise<void> {
    const real = await fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (real !== undefined && real !== this.root && !real.startsWith(this.root + sep))
      throw new WorkspaceError(`${shown} resolves outside the workspace`);
  }

  async openForRead(path: string): Promise<{ handle: FileHandle; size: number; abs: string }> {
    const abs = await this.resolve(path);
    const handle = await fs
      .open(abs, constants.O_RDONLY | constants.O_NOFOLLOW)
      .catch((e: NodeJS.ErrnoException) => {
        throw fileError(e, path);
      });
    try {
      await this.assertInside(handle, path);
      const stat = await handle.stat();
      if (!stat.isFile()) throw new WorkspaceError(`${path} is not a regular file`);
      if (stat.nlink > 1) throw new WorkspaceError(`${path} is hard-linked; refusing to read it`);
      return { handle, size: stat.size, abs };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async readText(
    path: string,
    maxBytes: number,
  ): Promise<{ content: string; size: number; truncated: boolean }> {
    const { handle, size } = await this.openForRead(path);
    try {
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, 0);
      return { content: buffer.toString('utf8'), size, truncated: size > maxBytes };
    } finally {
      await handle.close();
    }
  }

  async mkdirs(path: string): Promise<string> {
    const parts = this.segments(path);
    let current = this.root;
    for (const part of parts) {
      current = join(current, part);
      const stat = await fs.lstat(current).catch(() => undefined);
      if (stat?.isSymbolicLink())
        throw new WorkspaceError(
          `symbolic links are not followed (${relative(this.root, current)})`,
        );
      if (stat && !stat.isDirectory())
        throw new WorkspaceError(`${relative(this.root, current)} exists and is not a directory`);
      if (!stat)
        await fs.mkdir(current).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
    }
    return current;
  }

  async writeFile(
    path: string,
    content: Buffer,
    options: { append?: boolean; overwrite?: boolean } = {},
  ): Promise<number> {
    const parts = this.segments(path);
    if (!parts.length) throw new WorkspaceError('path names the workspace itself');
    if (parts.length > 1) await this.mkdirs(parts.slice(0, -1).join('/'));
    const abs = await this.resolve(path);
    const flags =
      constants.O_WRONLY |
      constants.O_CREAT |
      constants.O_NOFOLLOW |
      (options.overwrite === false ? constants.O_EXCL : 0);
    const handle = await fs.open(abs, flags, 0o644).catch((e: NodeJS.ErrnoException) => {
      throw fileError(e, path);
    });
    try {
      await this.assertInside(handle, path);
      const stat = await handle.stat();
      if (!stat.isFile()) throw new WorkspaceError(`${path} is not a regular file`);
      if (stat.nlink > 1) throw new WorkspaceError(`${path} is hard-linked; refusing to write it`);
      if (options.append) {
        await handle.write(content, 0, content.length, stat.size);
      } else {
        await handle.truncate(0);
        await handle.write(content, 0, content.length, 0);
      }
      return content.length;
    } finally {
      await handle.close();
    }
  }
}

function relative(root: string, abs: string): string {
  return abs === root ? '.' : abs.slice(root.length + 1);
}

export function fileError(error: NodeJS.ErrnoException, path: string): Error {
  switch (error.code) {
    case 'ENOENT':
      return new WorkspaceError(`${path} does not exist`);
    case 'ELOOP':
      return new WorkspaceError(`${path} is a symbolic link; links are not followed`);
    case 'EEXIST':
      return new WorkspaceError(`${path} already exists`);
    case 'EISDIR':
      return new WorkspaceError(`${path} is a directory`);
    case 'ENOTDIR':
      return new WorkspaceError(`a parent of ${path} is not a directory`);
    case 'ENOTEMPTY':
      return new WorkspaceError(`${path} is a directory that is not empty`);
    default:
      return new WorkspaceError(`${path}: ${error.code ?? error.message}`);
  }
}
