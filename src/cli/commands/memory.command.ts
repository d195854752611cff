import { unwrap } from '#sdk';
import { need, UsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { wholeNumberFlag } from '../number-flag';

export async function memoryCommand(verb: string | undefined, ctx: CommandContext): Promise<void> {
  if (verb !== 'search') throw new UsageError(`unknown memory command ${verb ?? ''}`.trim());
  const k = wholeNumberFlag(ctx.flags.limit, 'limit', 1, 100);
  const found = unwrap(
    await ctx.av.api.GET('/api/v1/memory/search', {
      params: {
        query: {
          q: need(ctx.args[0], 'the text to search for'),
          ...(k !== undefined ? { k } : {}),
        },
      },
    }),
  );
  ctx.out.result(found, () =>
    found.items.map((hit) => ({
      similarity: hit.similarity.toFixed(3),
      type: hit.memory.type,
      content: hit.memory.content,
    })),
  );
}
