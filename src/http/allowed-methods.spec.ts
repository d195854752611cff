import express from 'express';
import { allowedMethods } from './allowed-methods';

describe('allowedMethods', () => {
  const app = express();
  const noop: express.RequestHandler = (_req, res) => void res.end();
  app.get('/api/v1/goals', noop);
  app.post('/api/v1/goals', noop);
  app.get('/api/v1/goals/:id', noop);
  app.delete('/api/v1/keys/:id', noop);
  app.use('/static', noop);

  it('lists the methods routed for a path, parameters matched, HEAD wherever GET is', () => {
    expect(allowedMethods(app, '/api/v1/goals')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowedMethods(app, '/api/v1/goals/0190f0c4')).toEqual(['GET', 'HEAD']);
    expect(allowedMethods(app, '/api/v1/keys/1')).toEqual(['DELETE']);
  });

  it('is empty for a path no route has, middleware aside, and for anything but an app', () => {
    expect(allowedMethods(app, '/api/v1/nothing')).toEqual([]);
    expect(allowedMethods(app, '/static/x.js')).toEqual([]);
    expect(allowedMethods(undefined, '/api/v1/goals')).toEqual([]);
  });
});
