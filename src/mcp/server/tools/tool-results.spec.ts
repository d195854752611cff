import { NotFound } from '#common';
import type { AccessContext } from '../../../access/access-context';
import { effectivePermissions } from '../../../rbac/permissions';
import { runAsCaller } from './tool-results';

function caller(role: string, scopes?: string[]): AccessContext {
  return {
    principal: { kind: scopes ? 'api_key' : 'user', id: 'u1' },
    tenantId: 't1',
    userId: 'u1',
    homeTenantId: 't1',
    roles: new Set([role]),
    permissions: effectivePermissions([role]),
    scopes,
    tenantSource: 'home',
  };
}

describe('runAsCaller', () => {
  it('answers the work as structured content and as JSON text', async () => {
    const result = await runAsCaller(caller('operator'), 'goal:create', async () => ({
      goal_id: 'g1',
      status: 'queued',
    }));
    expect(result).toEqual({
      content: [{ type: 'text', text: '{"goal_id":"g1","status":"queued"}' }],
      structuredContent: { goal_id: 'g1', status: 'queued' },
    });
  });

  it('refuses a viewer the permission it lacks, naming it, without doing the work', async () => {
    const work = jest.fn();
    const result = await runAsCaller(caller('viewer'), 'goal:create', work);
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: expect.stringContaining('goal:create') },
    ]);
    expect(result.structuredContent).toBeUndefined();
    expect(work).not.toHaveBeenCalled();
  });

  it('refuses an API key without the scope even when its owner holds the permission', async () => {
    const result = await runAsCaller(caller('operator', ['read:goals']), 'goal:create', () =>
      Promise.resolve({}),
    );
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: expect.stringMatching(/goal:create.*write:goals/) },
    ]);
  });

  it('answers a domain error with its title and detail, and hides any other error', async () => {
    const missing = await runAsCaller(caller('viewer'), 'goal:read', () =>
      Promise.reject(new NotFound('goal', 'g9')),
    );
    expect(missing).toEqual({
      content: [{ type: 'text', text: 'Goal not found: No goal with id g9.' }],
      isError: true,
    });
    const broken = await runAsCaller(caller('viewer'), 'goal:read', () =>
      Promise.reject(new Error('relation "goals" does not exist')),
    );
    expect(broken.isError).toBe(true);
    expect(JSON.stringify(broken.content)).not.toContain('relation');
  });
});
