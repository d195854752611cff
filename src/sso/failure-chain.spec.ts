import { failureChain } from './failure-chain';

describe('failureChain', () => {
  it('gives the reason a wrapping error keeps in its cause', () => {
    const refused = new Error('127.0.0.1 is a loopback address');
    const wrapped = new Error('something went wrong', { cause: refused });
    expect(failureChain(wrapped)).toBe('something went wrong: 127.0.0.1 is a loopback address');
  });

  it('names each message once, stops at causes that are not errors, and never comes back empty', () => {
    const same = new Error('timeout', { cause: new Error('timeout', { cause: 'a string' }) });
    expect(failureChain(same)).toBe('timeout');
    expect(failureChain('not an error')).toBe('unknown error');
    expect(failureChain(new Error(''))).toBe('unknown error');
  });
});
