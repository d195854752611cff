import { accessInvalidation, type AccessSignal } from './access-invalidation';

describe('access invalidation', () => {
  afterEach(() => accessInvalidation.setRelay(undefined));

  it('drops an OAuth client here and relays the signal to the other processes', async () => {
    const relayed: AccessSignal[] = [];
    accessInvalidation.setRelay(async (signal) => {
      relayed.push(signal);
    });
    const dropped: string[] = [];
    const listener = (clientId: string) => dropped.push(clientId);
    accessInvalidation.on('oauth-client', listener);
    try {
      await accessInvalidation.oauthClientChanged('avc_one');
      accessInvalidation.apply({ kind: 'oauth-client', clientId: 'avc_two' });
    } finally {
      accessInvalidation.off('oauth-client', listener);
    }
    expect(dropped).toEqual(['avc_one', 'avc_two']);
    expect(relayed).toEqual([{ kind: 'oauth-client', clientId: 'avc_one' }]);
  });
});
