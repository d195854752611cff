import { Controller, Get, INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ProblemFilter } from '../http/problem.filter';
import type { PluginDefinition, PluginHost } from '../plugin-contract/plugin-contract';
import { PluginExtensions } from '../plugin-contract/plugin-extensions';
import { PluginHealth } from '../plugin-contract/plugin-health';
import { PluginMiddlewareModule } from './plugin-middleware.module';

@Controller()
class SampleController {
  @Get('api/v1/goals')
  goals() {
    return { items: [] };
  }

  @Get('api/v1/goalsx')
  other() {
    return { other: true };
  }
}

const host: PluginHost = {
  apiVersion: '1.0.0',
  settings: {},
  log: { info: () => undefined, warn: () => undefined, error: () => undefined },
};

function pluginWith(handle: NonNullable<PluginDefinition['middleware']>[number]['handle']) {
  return {
    metadata: { name: 'kinds-middleware', version: '1.0.0', type: 'MIDDLEWARE', hostApi: '^1.0.0' },
    middleware: [{ routes: ['/api/v1/goals'], handle }],
  } satisfies PluginDefinition;
}

/** Plugin middleware on a small HTTP app: applied on its prefixes, detached at run time. */
describe('middleware from plugins', () => {
  let app: INestApplication;
  let extension: ReturnType<PluginExtensions['all']>[number];
  let health: PluginHealth;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PluginMiddlewareModule],
      controllers: [SampleController],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    extension = app
      .get(PluginExtensions)
      .all()
      .find((e) => e.name === 'middleware')!;
    health = app.get(PluginHealth);
  });

  afterAll(() => app.close());

  it('adds its header on the routes under its prefix only, and no more once detached', async () => {
    const detach = await extension.attach(
      pluginWith((_req, res, next) => {
        res.setHeader('X-Plugin-Seen', 'yes');
        next();
      }),
      host,
    );
    const goals = await request(app.getHttpServer()).get('/api/v1/goals').expect(200);
    expect(goals.headers['x-plugin-seen']).toBe('yes');
    expect(goals.body).toEqual({ items: [] });
    const other = await request(app.getHttpServer()).get('/api/v1/goalsx').expect(200);
    expect(other.headers['x-plugin-seen']).toBeUndefined();

    await detach();
    const after = await request(app.getHttpServer()).get('/api/v1/goals').expect(200);
    expect(after.headers['x-plugin-seen']).toBeUndefined();
  });

  it('a middleware that throws answers 500 problem+json without its reason and counts as a plugin failure', async () => {
    const detach = await extension.attach(
      pluginWith(() => {
        throw new Error('secret plugin internals');
      }),
      host,
    );
    const failed = await request(app.getHttpServer()).get('/api/v1/goals').expect(500);
    expect(failed.headers['content-type']).toContain('application/problem+json');
    expect(failed.body).toMatchObject({ status: 500, title: 'Internal error' });
    expect(failed.text).not.toContain('secret');
    expect(health.of('kinds-middleware')).toMatchObject({
      failures_total: 1,
      last_failure: { where: 'middleware', reason: 'secret plugin internals' },
    });
    await detach();
    await request(app.getHttpServer()).get('/api/v1/goals').expect(200);
  });

  it('refuses middleware without routes', () => {
    expect(() =>
      extension.attach(
        { ...pluginWith((_q, _s, next) => next()), middleware: [{ routes: [], handle: () => {} }] },
        host,
      ),
    ).toThrow('names no routes');
  });
});
