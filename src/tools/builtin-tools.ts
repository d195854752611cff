import { z } from 'zod';
import { uuidv7 } from '#common';
import { GoalArtifactRepository } from './goal-artifact.repository';
import type { Tool } from './tool';

const artifacts = new GoalArtifactRepository();

const saveArtifact: Tool<{ name: string; content: string }> = {
  name: 'save_artifact',
  description:
    'Save a named text result of the goal (a note, a report, a data extract) so the user can retrieve it.',
  parameters: z.object({
    name: z.string().min(1).max(200).describe('file-like name of the artifact'),
    content: z.string().max(1_000_000).describe('the text to store'),
  }),
  permission: 'READ_WRITE',
  risk: 'LOW',
  requiresApproval: false,
  hasSideEffects: true,
  effectsInDatabase: true,
  async run(args, ctx) {
    if (!ctx.manager) throw new Error('save_artifact needs the journal transaction');
    await ctx.useStorage?.(Buffer.byteLength(args.content));
    const id = uuidv7();
    await artifacts.insert(ctx.manager, {
      id,
      tenant_id: ctx.tenantId,
      goal_id: ctx.goalId,
      task_id: ctx.taskId,
      name: args.name,
      content: args.content,
    });
    return { artifact_id: id, name: args.name, bytes: Buffer.byteLength(args.content) };
  },
};

const currentTime: Tool<Record<string, never>> = {
  name: 'current_time',
  description: 'The current date and time in UTC (ISO 8601).',
  parameters: z.object({}).strict(),
  permission: 'READ_ONLY',
  risk: 'LOW',
  requiresApproval: false,
  hasSideEffects: false,
  async run() {
    return { now: new Date().toISOString() };
  },
};

const textStats: Tool<{ text: string }> = {
  name: 'text_stats',
  description: 'Count the characters, words and lines of a text.',
  parameters: z.object({ text: z.string().max(1_000_000) }),
  permission: 'READ_ONLY',
  risk: 'LOW',
  requiresApproval: false,
  hasSideEffects: false,
  async run({ text }) {
    return {
      characters: text.length,
      words: text.split(/\s+/).filter(Boolean).length,
      lines: text.split('\n').length,
    };
  },
};

export const BUILTIN_TOOLS: Tool[] = [saveArtifact, currentTime, textStats] as Tool[];
