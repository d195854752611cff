import { register } from 'prom-client';
import type {
  HookContext,
  HookPriority,
  PluginHookHandler,
} from '../plugin-contract/plugin-contract';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { HOOK_FAILURES_METRIC } from './hook-failure-counter';
import { HookManager } from './hook-manager';

const LIMIT_MS = 100;

function handler(
  hook: PluginHookHandler['hook'],
  handle: (context: HookContext) => unknown,
  priority?: HookPriority,
): PluginHookHandler {
  return { hook, handle, priority };
}

async function failures(plugin: string, reason: string): Promise<number> {
  const metric = await register.getSingleMetric(HOOK_FAILURES_METRIC)!.get();
  return metric.values
    .filter((v) => v.labels.plugin === plugin && v.labels.reason === reason)
    .reduce((sum, v) => sum + v.value, 0);
}

describe('HookManager', () => {
  let health: PluginHealth;
  let hooks: HookManager;

  beforeEach(() => {
    register.clear();
    health = new PluginHealth();
    hooks = new HookManager({ PLUGIN_HOOK_TIMEOUT_MS: LIMIT_MS }, health);
  });

  it('answers the payload itself when no handler listens', async () => {
    const payload = { text: 'hello' };
    const outcome = await hooks.emit('goal.before_create', 't1', payload);
    expect(outcome.payload).toBe(payload);
    expect(outcome.cancelled).toBeUndefined();
    expect(outcome.results.size).toBe(0);
    expect(hooks.emitSync('task.after_execute', 't1', payload).payload).toBe(payload);
  });

  it('runs handlers by priority, HIGHEST first, equal priorities in registration order', async () => {
    const order: string[] = [];
    const note = (name: string) => () => void order.push(name);
    hooks.register('low', handler('task.after_execute', note('low'), 'LOW'));
    hooks.register('normal-1', handler('task.after_execute', note('normal-1')));
    hooks.register('highest', handler('task.after_execute', note('highest'), 'HIGHEST'));
    hooks.register('normal-2', handler('task.after_execute', note('normal-2'), 'NORMAL'));
    hooks.register('lowest', handler('task.after_execute', note('lowest'), 'LOWEST'));
    await hooks.emit('task.after_execute', 't1', {});
    expect(order).toEqual(['highest', 'normal-1', 'normal-2', 'low', 'lowest']);
  });

  it('gives each handler the tenant and the payload as modified by those before it', async () => {
    const seen: unknown[] = [];
    hooks.register(
      'first',
      handler('tool.before_call', (c) => c.modify({ args: { path: 'safe.txt' } }), 'HIGH'),
    );
    hooks.register(
      'second',
      handler('tool.before_call', (c) => void seen.push([c.tenantId, c.payload])),
    );
    const payload = { tool: 'write_file', args: { path: '/etc/passwd' } };
    const outcome = await hooks.emit('tool.before_call', 't1', payload);
    expect(seen).toEqual([['t1', { tool: 'write_file', args: { path: 'safe.txt' } }]]);
    expect(outcome.payload).toEqual({ tool: 'write_file', args: { path: 'safe.txt' } });
    expect(payload.args.path).toBe('/etc/passwd');
  });

  it('refuses modify at a point that cannot be modified, counting it against the plugin', async () => {
    hooks.register(
      'sneaky',
      handler('tool.after_call', (c) => c.modify({ result: 'forged' } as never)),
    );
    const payload = { tool: 'read_file', result: 'real' };
    const outcome = await hooks.emit('tool.after_call', 't1', payload);
    expect(outcome.payload).toBe(payload);
    expect(await failures('sneaky', 'modify_refused')).toBe(1);
    expect(health.of('sneaky').failures_total).toBe(1);
  });

  it('refuses a patch of fields the point does not open, even when the handler catches the refusal', async () => {
    hooks.register(
      'catcher',
      handler('tool.before_call', (c) => {
        try {
          c.modify({ tool: 'execute_python' });
        } catch {
          return 'ignored the refusal';
        }
      }),
    );
    const payload = { tool: 'read_file', args: {} };
    const outcome = await hooks.emit('tool.before_call', 't1', payload);
    expect(outcome.payload).toBe(payload);
    expect(outcome.results.has('catcher')).toBe(false);
    expect(await failures('catcher', 'modify_refused')).toBe(1);
  });

  it('stops at a cancel with the plugin and its reason; later handlers do not run', async () => {
    const ran: string[] = [];
    hooks.register(
      'guard',
      handler('goal.before_create', (c) => c.cancel('no secrets'), 'HIGH'),
    );
    hooks.register(
      'later',
      handler('goal.before_create', () => void ran.push('later')),
    );
    const outcome = await hooks.emit('goal.before_create', 't1', { text: 'leak the secrets' });
    expect(outcome.cancelled).toEqual({ plugin: 'guard', reason: 'no secrets' });
    expect(ran).toEqual([]);
  });

  it('collects results by plugin and shows earlier results to later handlers', async () => {
    let seenByLater: unknown;
    hooks.register(
      'tagger',
      handler('tool.after_call', () => ({ tag: 'audited' }), 'HIGH'),
    );
    hooks.register(
      'reader',
      handler('tool.after_call', async (c) => {
        seenByLater = c.results.get('tagger');
        return 42;
      }),
    );
    const outcome = await hooks.emit('tool.after_call', 't1', {});
    expect(seenByLater).toEqual({ tag: 'audited' });
    expect([...outcome.results]).toEqual([
      ['tagger', { tag: 'audited' }],
      ['reader', 42],
    ]);
  });

  it('contains a throwing handler: the others run and the failure is counted', async () => {
    hooks.register(
      'broken',
      handler('task.before_execute', () => {
        throw new Error('boom');
      }),
    );
    hooks.register(
      'fine',
      handler('task.before_execute', (c) => c.modify({ title: 'renamed' })),
    );
    const outcome = await hooks.emit('task.before_execute', 't1', { title: 'original' });
    expect(outcome.payload).toEqual({ title: 'renamed' });
    expect(outcome.results.has('broken')).toBe(false);
    expect(await failures('broken', 'error')).toBe(1);
    expect(health.of('broken').last_failure?.where).toBe('hook task.before_execute');
  });

  it('gives up on a handler past the time limit and ignores what it does afterwards', async () => {
    let late: HookContext | undefined;
    hooks.register(
      'hanging',
      handler('goal.before_create', async (c) => {
        late = c;
        await new Promise(() => undefined);
      }),
    );
    const started = Date.now();
    const outcome = await hooks.emit('goal.before_create', 't1', { text: 'go' });
    expect(Date.now() - started).toBeLessThan(LIMIT_MS * 10);
    expect(outcome.cancelled).toBeUndefined();
    expect(await failures('hanging', 'timeout')).toBe(1);
    late!.cancel('too late');
    late!.modify({ text: 'too late' });
    expect(outcome.payload).toEqual({ text: 'go' });
  });

  it('waits for a slow handler within the limit and applies what it asked', async () => {
    hooks.register(
      'slow',
      handler('llm.before_call', async (c) => {
        await new Promise((resolve) => setTimeout(resolve, LIMIT_MS / 4));
        c.modify({ messages: [{ role: 'user', content: 'shorter' }] });
        return 'done';
      }),
    );
    const outcome = await hooks.emit('llm.before_call', 't1', {
      messages: [{ role: 'user', content: 'long' }],
    });
    expect(outcome.payload).toEqual({ messages: [{ role: 'user', content: 'shorter' }] });
    expect(outcome.results.get('slow')).toBe('done');
    expect(await failures('slow', 'timeout')).toBe(0);
  });

  it('runs sync handlers in emitSync and fails one that answers with a promise', () => {
    hooks.register(
      'async-one',
      handler('memory.before_write', async (c) => c.cancel('no')),
    );
    hooks.register(
      'sync-one',
      handler('memory.before_write', () => 'seen', 'LOW'),
    );
    const outcome = hooks.emitSync('memory.before_write', 't1', { content: 'x' });
    expect(outcome.cancelled).toBeUndefined();
    expect([...outcome.results]).toEqual([['sync-one', 'seen']]);
    expect(health.of('async-one').failures_total).toBe(1);
  });

  it('gives handlers a frozen copy: changing it neither works nor touches the product', async () => {
    const payload = { args: { path: 'a' }, list: [1, 2] };
    hooks.register(
      'mutator',
      handler('tool.after_call', (c) => {
        (c.payload as { args: { path: string } }).args.path = 'b';
      }),
    );
    await hooks.emit('tool.after_call', 't1', payload);
    expect(payload).toEqual({ args: { path: 'a' }, list: [1, 2] });
    expect(await failures('mutator', 'error')).toBe(1);
  });

  it('skips the handlers of a degraded plugin', async () => {
    let calls = 0;
    hooks.register(
      'flaky',
      handler('agent.after_spawn', () => {
        calls++;
        throw new Error('again');
      }),
    );
    for (let i = 0; i < health.degradeAfter + 2; i++)
      await hooks.emit('agent.after_spawn', 't1', {});
    expect(calls).toBe(health.degradeAfter);
    expect(health.of('flaky').degraded).toBe(true);
  });

  it('removes a handler with the function register returned', async () => {
    const remove = hooks.register(
      'gone',
      handler('plan.after_create', () => 'here'),
    );
    remove();
    expect(hooks.has('plan.after_create')).toBe(false);
    expect((await hooks.emit('plan.after_create', 't1', {})).results.size).toBe(0);
  });

  it('refuses a handler at an unknown point or with an unknown priority', () => {
    expect(() =>
      hooks.register(
        'x',
        handler('goal.whatever' as never, () => 1),
      ),
    ).toThrow(/unknown hook point/);
    expect(() =>
      hooks.register(
        'x',
        handler('goal.before_create', () => 1, 'URGENT' as never),
      ),
    ).toThrow(/unknown hook priority/);
  });
});
