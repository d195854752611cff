import { AgentTerminated } from '../../agents/agent-workforce.service';
import { StallDetected } from '../../agents/ledger-policy';
import { ApprovalPending, SafetyViolation } from '../../safety/safety-errors';
import { decodeError, encodeError } from './remote-task-job';

/** What crosses from the worker that ran an attempt to the process driving its goal. */
describe('task job errors', () => {
  const roundTrip = (error: unknown) => decodeError(JSON.parse(JSON.stringify(encodeError(error))));

  it('an approval hold comes back as the same hold', () => {
    const hold = new ApprovalPending(
      't1',
      'k1',
      'http_request',
      { url: 'https://x' },
      'fp',
      ['network'],
      'why',
    );
    const back = roundTrip(hold);
    expect(back).toBeInstanceOf(ApprovalPending);
    expect(back).toMatchObject({
      taskId: 't1',
      tool: 'http_request',
      args: { url: 'https://x' },
      categories: ['network'],
    });
    expect(back.message).toBe(hold.message);
  });

  it('a fatal safety violation stays fatal', () => {
    const back = roundTrip(
      new SafetyViolation('budget' as never, 'tokens used up', 'violation', true),
    );
    expect(back).toBeInstanceOf(SafetyViolation);
    expect(back).toMatchObject({ fatal: true, kind: 'violation', detail: 'tokens used up' });
  });

  it('a stall and a terminated agent keep their classes; anything else is an Error with its message', () => {
    const stall = new StallDetected('k', {
      fingerprint: 'f',
      looping: true,
      progressing: false,
      stalls: 3,
      mustStop: true,
      nextInstruction: 'replan',
      facts: [],
    });
    expect(roundTrip(stall)).toBeInstanceOf(StallDetected);
    expect(roundTrip(new AgentTerminated('a1'))).toMatchObject({ agentId: 'a1' });
    const plain = roundTrip(new TypeError('boom'));
    expect(plain).toBeInstanceOf(Error);
    expect(plain.message).toBe('boom');
  });
});
