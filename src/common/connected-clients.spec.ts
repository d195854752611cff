import { ConnectedClients } from './connected-clients';

describe('ConnectedClients', () => {
  it("counts each tenant's clients apart, never below zero", () => {
    const clients = new ConnectedClients();
    clients.add('t1');
    clients.add('t1');
    clients.add('t2');
    clients.remove('t1');
    expect([clients.of('t1'), clients.of('t2'), clients.of('t3')]).toEqual([1, 1, 0]);
    clients.remove('t2');
    clients.remove('t2');
    expect(clients.of('t2')).toBe(0);
  });
});
