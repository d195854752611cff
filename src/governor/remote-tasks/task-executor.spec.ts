import type { GoalScope } from '../../agents/agent-runtime.service';
import type { AgentWorkforce } from '../../agents/agent-workforce.service';
import type { AppConfig } from '../../config/app-config';
import type { GoalRow, TaskRow } from '../../goal-records/goal.types';
import type { JobQueue } from '../../queue/job-queue';
import type { WorkDispatcher, Placement } from '../../workers/dispatch/work-dispatcher';
import type { WorkerRegistry, WorkerView } from '../../workers/worker-registry.service';
import type { TaskJobResult } from './remote-task-job';
import { TaskExecutor } from './task-executor';
import type { TaskResultChannel } from './task-result-channel';

/**
 * The driver's side of a task job: how it tells a job that will still run from one lost
 * with its worker. The worker a job was placed on can take it and die before marking it
 * started; nobody else consumes that worker's lane, so the job would stay taken for good.
 */
describe('TaskExecutor, waiting on a task job', () => {
  const goal = { id: 'g1', tenant_id: 't1', goal: 'x', pattern: null, plan_version: 1 };
  const task = {
    id: 'k1',
    tenant_id: 't1',
    goal_id: 'g1',
    plan_version: 1,
    key: 't0',
    title: 'part',
    description: 'do it',
    capabilities: [],
    acceptance_criteria: null,
    agent_id: null,
    agent_kind: null,
    depends_on: [],
  };
  const answer = (workerId: string): TaskJobResult => ({
    ok: true,
    output: { content: 'done' } as never,
    workerId,
    usage: [],
    turns: [] as never,
    durationMs: 1,
  });

  function setup(options: {
    placements: Placement[];
    workers: Array<Pick<WorkerView, 'id' | 'status'>>;
    /** Whether the job's hold has lapsed (`dropAbandoned` removes it). */
    lapsed: boolean;
    /** Polls before the first placed job answers (it never does when lost). */
    answerAfterPolls?: number;
  }) {
    const added: Array<{ jobId: string; lane?: string }> = [];
    const results = new Map<string, TaskJobResult>();
    let polls = 0;
    const queue = {
      kind: 'bullmq',
      add: jest.fn(async (_name: string, _data: unknown, o: { jobId: string; lane?: string }) => {
        added.push(o);
        // a job placed on a live worker answers at once
        if (options.workers.some((w) => w.status !== 'OFFLINE' && o.lane === `w.${w.id}`))
          results.set(o.jobId, answer(o.lane!.slice(2)));
      }),
      has: jest.fn(async () => true),
      dropAbandoned: jest.fn(async () => options.lapsed),
    } as unknown as JobQueue;
    const placements = [...options.placements];
    const dispatcher = {
      routedCapabilities: [],
      placesJobs: true,
      place: jest.fn(async () => placements.shift()!),
      workers: jest.fn(async () => options.workers),
    } as unknown as WorkDispatcher;
    const channel = {
      listen: jest.fn(async () => ({
        next: async () => {
          polls++;
          const first = added[0];
          if (first && options.answerAfterPolls !== undefined && polls >= options.answerAfterPolls)
            results.set(first.jobId, answer(first.lane!.slice(2)));
        },
        end: () => undefined,
      })),
      result: jest.fn(async (jobId: string) => results.get(jobId)),
      startedBy: jest.fn(async () => undefined),
      cancel: jest.fn(async () => undefined),
    } as unknown as TaskResultChannel;
    const workforce = { adoptAttempt: jest.fn() } as unknown as AgentWorkforce;
    const executor = new TaskExecutor(
      {} as AppConfig,
      queue,
      workforce,
      dispatcher,
      { id: 'driver', capabilitiesHeld: [] } as unknown as WorkerRegistry,
      channel,
    );
    const run = () =>
      executor.execute(
        goal as unknown as GoalRow,
        task as unknown as TaskRow,
        1,
        [],
        { tenantId: 't1', goalId: 'g1', ready: Promise.resolve() } as unknown as GoalScope,
        [],
        undefined,
      );
    return { run, added, queue };
  }

  it('places the attempt again when the OFFLINE worker it was placed on took it and its hold lapsed', async () => {
    const { run, added, queue } = setup({
      placements: [
        { lane: 'w.dead', workerId: 'dead' },
        { lane: 'w.live', workerId: 'live' },
      ],
      workers: [
        { id: 'dead', status: 'OFFLINE' },
        { id: 'live', status: 'IDLE' },
      ],
      lapsed: true,
    });
    const executed = await run();
    expect(executed.workerId).toBe('live');
    expect(added).toEqual([
      { jobId: 'task-k1-1-1', lane: 'w.dead' },
      { jobId: 'task-k1-1-2', lane: 'w.live' },
    ]);
    expect(queue.dropAbandoned).toHaveBeenCalledWith('task-k1-1-1', 'w.dead');
  });

  it('keeps waiting while the job is still held, though its worker shows OFFLINE (slow, not dead)', async () => {
    const { run, added } = setup({
      placements: [{ lane: 'w.slow', workerId: 'slow' }],
      workers: [{ id: 'slow', status: 'OFFLINE' }],
      lapsed: false,
      answerAfterPolls: 3,
    });
    const executed = await run();
    expect(executed.workerId).toBe('slow');
    expect(added).toHaveLength(1);
  });

  it('does not look for an abandoned job while the worker it was placed on is live', async () => {
    const { run, added, queue } = setup({
      placements: [{ lane: 'w.busy', workerId: 'busy' }],
      workers: [{ id: 'busy', status: 'BUSY' }],
      lapsed: true,
      answerAfterPolls: 2,
    });
    // the fake answers a live worker's job at once: this one answers after two polls
    (queue.add as jest.Mock).mockImplementationOnce(
      async (_name: string, _data: unknown, o: { jobId: string; lane?: string }) => added.push(o),
    );
    const executed = await run();
    expect(executed.workerId).toBe('busy');
    expect(added).toHaveLength(1);
    expect(queue.dropAbandoned).not.toHaveBeenCalled();
  });
});
