import type { FactoryProvider } from '@nestjs/common';
import { z } from 'zod';
import type { ProcessSandbox } from '#sandbox';
import { loadConfig } from '../config/app-config';
import { sandboxProvider } from './sandbox.provider';
import type { Tool } from './tool';
import { ToolRegistry, type ToolSource } from './tool-registry.service';

function tool(name: string): Tool<{ q: string }> {
  return {
    name,
    description: `the ${name} tool`,
    parameters: z.object({ q: z.string() }),
    permission: 'READ_ONLY',
    risk: 'LOW',
    requiresApproval: false,
    hasSideEffects: false,
    run: () => Promise.resolve(name),
  };
}

function registry(): ToolRegistry {
  const config = loadConfig({});
  const sandbox = (sandboxProvider as FactoryProvider<ProcessSandbox>).useFactory(config);
  return new ToolRegistry(config, sandbox as ProcessSandbox);
}

describe('ToolRegistry sources', () => {
  const perTenant: ToolSource = {
    name: 'per-tenant',
    toolsFor: (tenantId) => (tenantId === 'a' ? [tool('lookup'), tool('read_file')] : []),
  };

  it('offers a source tool only to the tenant it is for, and never over a registered one', () => {
    const tools = registry();
    const builtin = tools.get('read_file');
    tools.addSource(perTenant);
    expect(tools.get('lookup', 'a')?.description).toBe('the lookup tool');
    expect(tools.get('lookup', 'b')).toBeUndefined();
    expect(tools.get('lookup')).toBeUndefined();
    expect(tools.get('read_file', 'a')).toBe(builtin);
    const names = tools.definitions('a').map((d) => d.function.name);
    expect(names.filter((n) => n === 'read_file')).toHaveLength(1);
    expect(names).toContain('lookup');
    expect(tools.definitions('b').map((d) => d.function.name)).not.toContain('lookup');
    expect(tools.describe('a').find((d) => d.name === 'lookup')?.parameters).toMatchObject({
      type: 'object',
      required: ['q'],
    });
  });

  it('forgets a removed source and an unregistered tool', () => {
    const tools = registry();
    const remove = tools.addSource(perTenant);
    remove();
    expect(tools.get('lookup', 'a')).toBeUndefined();
    tools.register(tool('extra'));
    expect(tools.definitions().map((d) => d.function.name)).toContain('extra');
    tools.unregister('extra');
    expect(tools.get('extra')).toBeUndefined();
    expect(tools.definitions().map((d) => d.function.name)).not.toContain('extra');
  });

  it('lets a source load a tenant before its tools are listed; a failing source keeps the others', async () => {
    const tools = registry();
    const loaded = new Set<string>();
    tools.addSource({
      name: 'lazy',
      toolsFor: (tenantId) => (loaded.has(tenantId) ? [tool('late')] : []),
      prepare: async (tenantId) => {
        await new Promise((r) => setTimeout(r, 5));
        loaded.add(tenantId);
      },
    });
    tools.addSource({
      name: 'broken',
      toolsFor: () => [],
      prepare: () => Promise.reject(new Error('down')),
    });
    expect(tools.get('late', 'a')).toBeUndefined();
    await tools.prepare('a');
    expect(tools.definitions('a').map((d) => d.function.name)).toContain('late');
    expect(tools.get('late', 'b')).toBeUndefined();
  });
});
