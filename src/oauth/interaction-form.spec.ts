import { readInteractionForm } from './interaction-form';

describe('readInteractionForm', () => {
  it('reads each field once, as text', () => {
    expect(readInteractionForm({ email: 'a@b.c', password: 'p' })).toEqual({
      form: { email: 'a@b.c', password: 'p' },
    });
    expect(readInteractionForm(undefined)).toEqual({ form: {} });
  });

  it('names the first field sent twice, or not as text', () => {
    expect(readInteractionForm({ email: ['a@b.c', 'd@e.f'], password: 'p' })).toEqual({
      unreadable: 'email',
    });
    expect(readInteractionForm({ code: { x: '1' } })).toEqual({ unreadable: 'code' });
  });
});
