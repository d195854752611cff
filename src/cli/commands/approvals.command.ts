import { unwrap } from '#sdk';
import { need, UsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';

/** `approvals list <goal>`, `approvals approve|reject <goal> [--task <id>] [--comment ...]`. */
export async function approvalsCommand(
  verb: string | undefined,
  ctx: CommandContext,
): Promise<void> {
  const { av, out, args, flags } = ctx;
  const goalId = need(args[0], 'a goal id');
  const approvals = async () =>
    unwrap(await av.api.GET('/api/v1/goals/{id}/approvals', { params: { path: { id: goalId } } }))
      .items;
  switch (verb) {
    case 'list': {
      const items = await approvals();
      return out.result(items, () =>
        items.map((a) => ({
          task_id: a.task_id,
          tool: a.tool,
          status: a.status,
          reason: a.reason,
        })),
      );
    }
    case 'approve':
    case 'reject': {
      // without --task, the one action the goal is waiting on
      const pending = (await approvals()).filter((a) => a.status === 'pending');
      const taskId = typeof flags.task === 'string' ? flags.task : pending[0]?.task_id;
      if (!taskId) throw new UsageError(`goal ${goalId} waits on no approval`);
      if (!flags.task && pending.length > 1)
        throw new UsageError(
          `goal ${goalId} waits on ${pending.length} approvals: name one with --task`,
        );
      const decided = unwrap(
        await av.api.POST('/api/v1/goals/{id}/approve', {
          params: { path: { id: goalId } },
          body: {
            task_id: taskId,
            decision: verb,
            ...(typeof flags.comment === 'string' ? { comment: flags.comment } : {}),
          },
        }),
      );
      return out.result(decided, () => [
        { task_id: taskId, status: decided.approval.status, goal: decided.goal_status },
      ]);
    }
    default:
      throw new UsageError(`unknown approvals command ${verb ?? ''}`.trim());
  }
}
