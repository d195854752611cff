import type { AccessContext } from '../../access/access-context';
import type { RateLimitRule, RequestFacts } from './rate-limit-rule';
import { counterKey, ruleApplies } from './rule-matching';

const rule = (over: Partial<RateLimitRule>): RateLimitRule => ({
  name: 'r',
  path: '/api/v1/**',
  methods: [],
  strategy: 'FIXED_WINDOW',
  scope: 'IP',
  limit: 1,
  windowS: 60,
  ...over,
});

const facts = (over: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  path: '/api/v1/goals/42',
  route: '/api/v1/goals/:id',
  ip: '203.0.113.7',
  header: (name) => (name === 'x-client' ? 'client-1' : undefined),
  ...over,
});

describe('rate limit rules', () => {
  it.each([
    ['/api/v1/**', '/api/v1/goals/42', true],
    ['/api/v1/**', '/api/v1', true],
    ['/api/v1/goals/*', '/api/v1/goals/42', true],
    ['/api/v1/goals/*', '/api/v1/goals/42/cancel', false],
    ['/api/v1/goals', '/api/v1/goals/42', false],
    ['/api/v1/goals.x', '/api/v1/goalsax', false],
  ])('%s matches %s: %s', (path, requestPath, expected) => {
    expect(ruleApplies(rule({ path }), facts({ path: requestPath }))).toBe(expected);
  });

  it('applies to the listed methods only', () => {
    expect(ruleApplies(rule({ methods: ['POST'] }), facts())).toBe(false);
    expect(ruleApplies(rule({ methods: ['POST'] }), facts({ method: 'POST' }))).toBe(true);
  });

  it('keys each scope by what it names; caller scopes skip anonymous requests', () => {
    const access = {
      userId: 'u1',
      tenantId: 't1',
      principal: { kind: 'api_key', id: 'u1', apiKeyId: 'k1' },
    } as unknown as AccessContext;
    const key = (scope: RateLimitRule['scope'], f: RequestFacts = facts({ access })) =>
      counterKey(rule({ scope, keyHeader: 'x-client' }), f);
    expect(key('GLOBAL')).toBe('global');
    expect(key('IP')).toBe('203.0.113.7');
    expect(key('ENDPOINT')).toBe('203.0.113.7:GET /api/v1/goals/:id');
    expect(key('USER')).toBe('u1');
    expect(key('TENANT')).toBe('t1');
    expect(key('API_KEY')).toBe('k1');
    expect(key('CUSTOM')).toBe('client-1');
    expect(key('USER', facts())).toBeUndefined();
    expect(key('TENANT', facts())).toBeUndefined();
  });
});
