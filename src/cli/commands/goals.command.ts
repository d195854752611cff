import { unwrap, type AgentVillage, type Goal, type Task } from '#sdk';
import { CommandFailed, need, UsageError } from '../cli-errors';
import { progressView } from '../goal-progress';
import { wholeNumberFlag } from '../number-flag';
import type { CommandContext } from '../command-context';

export async function goalsCommand(verb: string | undefined, ctx: CommandContext): Promise<void> {
  const { av, out, args, flags } = ctx;
  switch (verb) {
    case 'submit': {
      const text = args[0];
      if (!text) throw new UsageError('goals submit needs the goal text');
      const priority = wholeNumberFlag(flags.priority, 'priority', 0, 10);
      const timeoutS = wholeNumberFlag(flags.timeout, 'timeout', 1, 86_400);
      const accepted = unwrap(
        await av.api.POST('/api/v1/goals', {
          body: {
            goal: text,
            ...(flags.title ? { title: flags.title } : {}),
            ...(priority !== undefined ? { priority } : {}),
          },
        }),
      );
      if (!flags.wait) return out.result(accepted, () => [accepted]);
      out.say(`goal ${accepted.goal_id} submitted`);
      const goal = await follow(av, accepted.goal_id, ctx, timeoutS);
      return finish(goal, ctx);
    }
    case 'wait': {
      const timeoutS = wholeNumberFlag(flags.timeout, 'timeout', 1, 86_400);
      return finish(await follow(av, need(args[0], 'a goal id'), ctx, timeoutS), ctx);
    }
    case 'list': {
      const goals: Goal[] = [];
      const limit = wholeNumberFlag(flags.limit, 'limit', 1, 10_000) ?? 20;
      for await (const goal of av.goals({ status: flags.status as Goal['status'] | undefined })) {
        goals.push(goal);
        if (goals.length >= limit) break;
      }
      return out.result(goals, () => goals.map(goalRow));
    }
    case 'show': {
      const id = need(args[0], 'a goal id');
      const goal = unwrap(await av.api.GET('/api/v1/goals/{id}', { params: { path: { id } } }));
      const tasks: Task[] = [];
      for await (const task of av.tasks(id)) tasks.push(task);
      return out.result({ ...goal, tasks }, () => [
        goalRow(goal),
        ...tasks.map((t) => ({ id: `  ${t.key}`, status: t.status, title: t.title })),
      ]);
    }
    case 'cancel': {
      const id = need(args[0], 'a goal id');
      const goal = unwrap(
        await av.api.POST('/api/v1/goals/{id}/cancel', { params: { path: { id } } }),
      );
      return out.result(goal, () => [goalRow(goal)]);
    }
    default:
      throw new UsageError(`unknown goals command ${verb ?? ''}`.trim());
  }
}

/** Shows the goal's progress live until it finishes; answers the goal as it ended. */
async function follow(
  av: AgentVillage,
  id: string,
  ctx: CommandContext,
  timeoutS: number | undefined,
): Promise<Goal> {
  const view = ctx.out.json ? undefined : progressView(process.stderr, id);
  try {
    return await av.waitForGoal(id, {
      onEvent: (event) => view?.update(event),
      timeoutMs: timeoutS !== undefined ? timeoutS * 1000 : undefined,
    });
  } finally {
    view?.stop();
  }
}

function finish(goal: Goal, ctx: CommandContext): void {
  ctx.out.result(goal, () => [goalRow(goal)]);
  if (goal.status === 'completed') return;
  const reasons = goal.failure_reasons.length ? goal.failure_reasons.join('; ') : goal.status;
  throw new CommandFailed(`goal ${goal.id} ${goal.status}: ${reasons}`);
}

function goalRow(goal: Goal): Record<string, unknown> {
  return { id: goal.id, status: goal.status, title: goal.title };
}
