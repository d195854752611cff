import { DEFAULT_TENANT_ID } from '../common/request-context';
import type { PluginDefinition, PluginHost } from '../plugin-contract/plugin-contract';
import { PluginExtensions } from '../plugin-contract/plugin-extensions';
import { startInProcessApp, type InProcessApp } from '../testing/in-process-app';
import { AgentSelector } from './agent-selector.service';
import { AgentsModule } from './agents.module';

const host: PluginHost = {
  apiVersion: '1.0.0',
  settings: {},
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
};

const translator: PluginDefinition = {
  metadata: { name: 'kinds-agent', version: '1.0.0', type: 'AGENT', hostApi: '^1.0.0' },
  agents: [
    {
      kind: 'translator',
      capabilities: ['translation'],
      systemPrompt: 'You translate text between languages.',
    },
  ],
};

const task = { title: 'Translate', description: 'into French', capabilities: ['translation'] };

/** A plugin's agent kind, attached and detached on the running agents module (in-memory PGlite). */
describe('agent kinds from plugins', () => {
  let running: InProcessApp;
  let selector: AgentSelector;
  let extension: ReturnType<PluginExtensions['all']>[number];

  beforeAll(async () => {
    running = await startInProcessApp({}, { imports: [AgentsModule] });
    selector = running.app.get(AgentSelector, { strict: false });
    extension = running.app
      .get(PluginExtensions, { strict: false })
      .all()
      .find((e) => e.name === 'agents')!;
  }, 60_000);

  afterAll(() => running.close());

  it('a task needing only the plugin kind’s capability goes to that kind, without spawning, until it is detached', async () => {
    const before = await selector.recommend(DEFAULT_TENANT_ID, task);
    expect(before.candidates.some((c) => c.kind === 'translator')).toBe(false);
    expect(before.would_spawn).toBe(true);

    const detach = await extension.attach(translator, host);
    const attached = await selector.recommend(DEFAULT_TENANT_ID, task);
    expect(attached.candidates[0]).toMatchObject({ kind: 'translator', name: 'translator' });
    expect(attached.candidates[0].breakdown.capability_match).toBe(1);
    expect(attached.would_spawn).toBe(false);

    await detach();
    const after = await selector.recommend(DEFAULT_TENANT_ID, task);
    expect(after.candidates.some((c) => c.kind === 'translator')).toBe(false);
  }, 60_000);

  it('refuses a plugin kind named as a built-in kind, leaving nothing attached', async () => {
    const clash: PluginDefinition = {
      ...translator,
      agents: [
        { kind: 'linguist', capabilities: ['translation'], systemPrompt: 'x' },
        { kind: 'planner', capabilities: ['planning'], systemPrompt: 'x' },
      ],
    };
    await expect(async () => extension.attach(clash, host)).rejects.toThrow(
      'agent kind planner already exists',
    );
    const after = await selector.recommend(DEFAULT_TENANT_ID, task);
    expect(after.candidates.some((c) => c.kind === 'linguist')).toBe(false);
  }, 60_000);
});
