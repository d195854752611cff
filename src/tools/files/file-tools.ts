import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Tool, ToolContext } from '../tool';
import { fileError, Workspace, WorkspaceError } from './workspace';

export interface FileToolLimits {
  /** Largest read or write in bytes. */
  maxBytes: number;
}

const path = z.string().min(1).max(1024).describe('path relative to the goal workspace');
const open = (ctx: ToolContext) => Workspace.open(ctx.workspaceDir);

/** The workspace file tools: confined to the goal's workspace, size-limited. */
export function fileTools(limits: FileToolLimits): Tool[] {
  const readFile: Tool<{ path: string }> = {
    name: 'read_file',
    description: `Read a UTF-8 text file from the goal workspace (at most ${limits.maxBytes} bytes).`,
    parameters: z.object({ path }).strict(),
    permission: 'READ_ONLY',
    risk: 'LOW',
    requiresApproval: false,
    hasSideEffects: false,
    async run(args, ctx) {
      const ws = await open(ctx);
      const { content, size, truncated } = await ws.readText(args.path, limits.maxBytes);
      return { path: args.path, content, bytes: size, truncated };
    },
  };

  const writeFile: Tool<{ path: string; content: string; append?: boolean }> = {
    name: 'write_file',
    description:
      'Write (or append to) a UTF-8 text file in the goal workspace, creating parent directories.',
    parameters: z
      .object({
        path,
        content: z.string(),
        append: z.boolean().optional().describe('append instead of replacing'),
      })
      .strict(),
    permission: 'READ_WRITE',
    risk: 'MEDIUM',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const data = Buffer.from(args.content, 'utf8');
      if (data.length > limits.maxBytes)
        throw new WorkspaceError(
          `content is ${data.length} bytes; the write limit is ${limits.maxBytes}`,
        );
      const ws = await open(ctx);
      await ctx.useStorage?.(data.length);
      const bytes = await ws.writeFile(args.path, data, { append: args.append });
      return { path: args.path, bytes, appended: args.append === true };
    },
  };

  const listDirectory: Tool<{ path?: string }> = {
    name: 'list_directory',
    description: 'List the entries of a directory in the goal workspace (default: its root).',
    parameters: z.object({ path: path.optional() }).strict(),
    permission: 'READ_ONLY',
    risk: 'LOW',
    requiresApproval: false,
    hasSideEffects: false,
    async run(args, ctx) {
      const ws = await open(ctx);
      const dir = await ws.resolve(args.path ?? '.', { allowRoot: true });
      const entries = await fs
        .readdir(dir, { withFileTypes: true })
        .catch((e: NodeJS.ErrnoException) => {
          throw fileError(e, args.path ?? '.');
        });
      const items = await Promise.all(
        entries.slice(0, 1000).map(async (e) => {
          const stat = await fs.lstat(join(dir, e.name));
          return { name: e.name, type: kindOf(stat), size: stat.isFile() ? stat.size : null };
        }),
      );
      items.sort((a, b) => a.name.localeCompare(b.name));
      return { path: args.path ?? '.', entries: items, truncated: entries.length > 1000 };
    },
  };

  const createDirectory: Tool<{ path: string }> = {
    name: 'create_directory',
    description: 'Create a directory (and its parents) in the goal workspace.',
    parameters: z.object({ path }).strict(),
    permission: 'READ_WRITE',
    risk: 'LOW',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const ws = await open(ctx);
      await ws.mkdirs(args.path);
      return { path: args.path, created: true };
    },
  };

  const deleteFile: Tool<{ path: string }> = {
    name: 'delete_file',
    description: 'Delete a file or an empty directory in the goal workspace.',
    parameters: z.object({ path }).strict(),
    permission: 'READ_WRITE',
    risk: 'HIGH',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const ws = await open(ctx);
      const abs = await ws.resolve(args.path);
      const stat = await fs.lstat(abs).catch((e: NodeJS.ErrnoException) => {
        throw fileError(e, args.path);
      });
      if (stat.isDirectory())
        await fs.rmdir(abs).catch((e: NodeJS.ErrnoException) => {
          throw fileError(e, args.path);
        });
      else await fs.unlink(abs);
      return { path: args.path, deleted: true, type: kindOf(stat) };
    },
  };

  const copyFile: Tool<{ source: string; destination: string; overwrite?: boolean }> = {
    name: 'copy_file',
    description: 'Copy a file within the goal workspace.',
    parameters: z
      .object({ source: path, destination: path, overwrite: z.boolean().optional() })
      .strict(),
    permission: 'READ_WRITE',
    risk: 'MEDIUM',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const ws = await open(ctx);
      const { handle, size } = await ws.openForRead(args.source);
      try {
        if (size > limits.maxBytes)
          throw new WorkspaceError(
            `${args.source} is ${size} bytes; the copy limit is ${limits.maxBytes}`,
          );
        const data = await handle.readFile();
        await ctx.useStorage?.(data.length);
        const bytes = await ws.writeFile(args.destination, data, {
          overwrite: args.overwrite ?? false,
        });
        return { source: args.source, destination: args.destination, bytes };
      } finally {
        await handle.close();
      }
    },
  };

  const moveFile: Tool<{ source: string; destination: string; overwrite?: boolean }> = {
    name: 'move_file',
    description: 'Move or rename a file or directory within the goal workspace.',
    parameters: z
      .object({ source: path, destination: path, overwrite: z.boolean().optional() })
      .strict(),
    permission: 'READ_WRITE',
    risk: 'MEDIUM',
    requiresApproval: false,
    hasSideEffects: true,
    async run(args, ctx) {
      const ws = await open(ctx);
      const from = await ws.resolve(args.source);
      const to = await ws.resolve(args.destination);
      const stat = await fs.lstat(from).catch((e: NodeJS.ErrnoException) => {
        throw fileError(e, args.source);
      });
      if (stat.isSymbolicLink()) throw new WorkspaceError(`${args.source} is a symbolic link`);
      if (stat.isFile() && stat.nlink > 1)
        throw new WorkspaceError(`${args.source} is hard-linked`);
      const exists = await fs.lstat(to).then(
        () => true,
        () => false,
      );
      if (exists && !args.overwrite) throw new WorkspaceError(`${args.destination} already exists`);
      const parts = ws.segments(args.destination);
      if (parts.length > 1) await ws.mkdirs(parts.slice(0, -1).join('/'));
      await fs.rename(from, to).catch((e: NodeJS.ErrnoException) => {
        throw fileError(e, args.source);
      });
      return { source: args.source, destination: args.destination, moved: true };
    },
  };

  const searchFiles: Tool<{ query?: string; name?: string; path?: string; max_results?: number }> =
    {
      name: 'search_files',
      description:
        'Search the goal workspace: file names matching a glob (`name`, e.g. "*.md") and/or lines containing a text (`query`).',
      parameters: z
        .object({
          query: z.string().min(1).max(500).optional(),
          name: z.string().min(1).max(200).optional().describe('file name glob with * and ?'),
          path: path.optional(),
          max_results: z.number().int().min(1).max(500).optional(),
        })
        .strict()
        .refine((a) => a.query || a.name, { message: 'give a query, a name pattern, or both' }),
      permission: 'READ_ONLY',
      risk: 'LOW',
      requiresApproval: false,
      hasSideEffects: false,
      async run(args, ctx) {
        const ws = await open(ctx);
        const start = await ws.resolve(args.path ?? '.', { allowRoot: true });
        const max = args.max_results ?? 100;
        const nameRe = args.name ? globToRegExp(args.name) : undefined;
        const needle = args.query?.toLowerCase();
        const matches: Array<{ path: string; line?: number; text?: string }> = [];
        let scanned = 0;
        const walk = async (dir: string): Promise<void> => {
          for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
            if (matches.length >= max || scanned >= 5000) return;
            const abs = join(dir, entry.name);
            if (entry.isSymbolicLink()) continue;
            if (entry.isDirectory()) {
              await walk(abs);
              continue;
            }
            if (!entry.isFile()) continue;
            scanned++;
            if (nameRe && !nameRe.test(entry.name)) continue;
            const rel = ws.relative(abs);
            if (!needle) {
              matches.push({ path: rel });
              continue;
            }
            const stat = await fs.lstat(abs);
            if (stat.size > limits.maxBytes || stat.nlink > 1) continue;
            const lines = (await fs.readFile(abs, 'utf8')).split('\n');
            lines.forEach((text, i) => {
              if (matches.length < max && text.toLowerCase().includes(needle))
                matches.push({ path: rel, line: i + 1, text: text.slice(0, 300) });
            });
          }
        };
        await walk(start);
        return { matches, truncated: matches.length >= max, files_scanned: scanned };
      },
    };

  const fileInfo: Tool<{ path: string }> = {
    name: 'file_info',
    description:
      'Type, size and timestamps of a path in the goal workspace (links are reported, not followed).',
    parameters: z.object({ path }).strict(),
    permission: 'READ_ONLY',
    risk: 'LOW',
    requiresApproval: false,
    hasSideEffects: false,
    async run(args, ctx) {
      const ws = await open(ctx);
      const parts = ws.segments(args.path);
      const abs = await ws
        .resolve(parts.slice(0, -1).join('/') || '.', { allowRoot: true })
        .then((d) => join(d, parts.at(-1) ?? ''));
      const stat = await fs.lstat(abs).catch((e: NodeJS.ErrnoException) => {
        throw fileError(e, args.path);
      });
      return {
        path: args.path,
        type: kindOf(stat),
        size: stat.size,
        mode: (stat.mode & 0o777).toString(8),
        modified_at: stat.mtime.toISOString(),
        created_at: stat.birthtime.toISOString(),
      };
    },
  };

  return [
    readFile,
    writeFile,
    listDirectory,
    createDirectory,
    deleteFile,
    copyFile,
    moveFile,
    searchFiles,
    fileInfo,
  ] as Tool[];
}

function kindOf(stat: import('node:fs').Stats): string {
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isDirectory()) return 'directory';
  if (stat.isFile()) return 'file';
  return 'other';
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}
