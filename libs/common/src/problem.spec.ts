import { Conflict } from './errors';
import { problemFromDomainError } from './problem';

describe('problemFromDomainError', () => {
  it('keeps its own status, type, title and detail whatever the extensions name', () => {
    const error = new Conflict('thing-conflict', 'Thing conflict', 'The thing is busy.', {
      status: 'PAUSED',
      type: 'other',
      detail: 'overridden',
      thing_id: 't1',
    });
    expect(problemFromDomainError(error, '/api/v1/things/t1')).toEqual({
      type: expect.stringMatching(/thing-conflict$/),
      title: 'Thing conflict',
      status: 409,
      detail: 'The thing is busy.',
      instance: '/api/v1/things/t1',
      thing_id: 't1',
    });
  });
});
