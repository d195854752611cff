import { unwrap } from '#sdk';
import { UsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';
import { wholeNumberFlag } from '../number-flag';

export async function agentsCommand(verb: string | undefined, ctx: CommandContext): Promise<void> {
  if (verb !== 'list') throw new UsageError(`unknown agents command ${verb ?? ''}`.trim());
  const page = unwrap(
    await ctx.av.api.GET('/api/v1/agents', {
      params: { query: { limit: wholeNumberFlag(ctx.flags.limit, 'limit', 1, 200) ?? 100 } },
    }),
  );
  ctx.out.result(page.items, () =>
    page.items.map((a) => ({
      id: a.id,
      kind: a.kind,
      name: a.name,
      status: a.status,
      capabilities: a.capabilities,
    })),
  );
}
