import { CanActivate, Controller, ExecutionContext, Get, INestApplication, Injectable, MiddlewareConsumer, Module, NestModule, RequestMethod, Res } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { PubAck } from 'nats';
import type { Response } from 'express';
import { AuditEvent } from '@vigie/audit-contracts';
import { AuthException, AuthExceptionCode, setActor } from '@vigie/shared-auth';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { EventContract, ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { GatewayExceptionFilter } from '../http-exception.filter';
import { outcomeOfStatus, RequestAuditMiddleware } from './request-audit.middleware';

const published: AuditEvent[] = [];
const sink = {
  publish: async (_c: EventContract, payload: unknown): Promise<PubAck> => {
    published.push(payload as AuditEvent);
    return { stream: 'AUDIT', seq: published.length, duplicate: false, domain: '' } as PubAck;
  },
};

/** Stands in for the gateway's auth guard: `x-test-user` → verified actor of realm `dgsi`, else 401. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    const user = req.headers['x-test-user'];
    if (!user) throw new AuthException(AuthExceptionCode.MissingToken, 'No bearer token');
    setActor(ctx, { tenant: 'dgsi', subject: `sub-${user}`, username: user, roles: ['vigie-analyst'], clearance: 'NP', compartments: [], kind: 'user', expiresAt: 0 });
    return true;
  }
}

@Controller('things')
class ThingsController {
  @Get(':id')
  get() {
    return { ok: true };
  }

  @Get('gone/now')
  gone() {
    throw new PlatformException(PlatformErrorCode.NotFound, ErrorKind.NotFound, 'no such thing');
  }

  @Get('stream/now')
  stream(@Res() res: Response) {
    res.status(200).end('streamed');
  }
}

@Module({
  controllers: [ThingsController],
  providers: [
    { provide: AuditRecorder, useValue: new AuditRecorder(sink, { service: 'gateway' }) },
    RequestAuditMiddleware,
    { provide: APP_GUARD, useClass: FakeAuthGuard },
    { provide: APP_FILTER, useClass: GatewayExceptionFilter },
  ],
})
class TestAppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestAuditMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

describe('RequestAuditMiddleware', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestAppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('api/v1');
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api/v1`;
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    published.length = 0;
  });

  const settled = async (n: number) => {
    for (let i = 0; i < 50 && published.length < n; i += 1) await new Promise((r) => setTimeout(r, 10));
    return published;
  };

  it('records a served request with the verified actor, route, method, status and latency', async () => {
    const res = await fetch(`${base}/things/42`, { headers: { 'x-test-user': 'alice' } });
    expect(res.status).toBe(200);
    const [event] = await settled(1);
    expect(event).toMatchObject({
      tenant: 'dgsi',
      actor: { sub: 'sub-alice', username: 'alice', kind: 'user' },
      action: 'http.request',
      outcome: 'success',
      service: 'gateway',
      details: { method: 'GET', route: '/api/v1/things/:id', path: '/api/v1/things/42', status: 200 },
    });
    expect(typeof event.details['latencyMs']).toBe('number');
  });

  it('records a refused authentication (401) as anonymous in the platform chain, with the error code', async () => {
    const res = await fetch(`${base}/things/42`);
    expect(res.status).toBe(401);
    const [event] = await settled(1);
    expect(event).toMatchObject({
      tenant: '_platform',
      actor: { sub: 'anonymous', kind: 'anonymous' },
      outcome: 'denied',
      details: { status: 401, errorCode: 'MISSING_TOKEN', path: '/api/v1/things/42' },
    });
  });

  it('records failures and unknown routes too', async () => {
    expect((await fetch(`${base}/things/gone/now`, { headers: { 'x-test-user': 'bob' } })).status).toBe(404);
    expect((await fetch(`${base}/nowhere`, { headers: { 'x-test-user': 'bob' } })).status).toBe(404);
    const events = await settled(2);
    expect(events.map((e) => [e.outcome, e.details['status'], e.details['errorCode']])).toEqual([
      ['failure', 404, 'NOT_FOUND'],
      ['failure', 404, 'ROUTE_NOT_FOUND'],
    ]);
  });

  it('records a response written directly to the socket', async () => {
    expect(await (await fetch(`${base}/things/stream/now`, { headers: { 'x-test-user': 'carol' } })).text()).toBe('streamed');
    expect((await settled(1))[0]).toMatchObject({ outcome: 'success', details: { status: 200 } });
  });

  it('maps statuses to outcomes', () => {
    expect([200, 304, 401, 403, 428, 400, 404, 500, 503].map(outcomeOfStatus)).toEqual([
      'success',
      'success',
      'denied',
      'denied',
      'denied',
      'failure',
      'failure',
      'error',
      'error',
    ]);
  });
});
