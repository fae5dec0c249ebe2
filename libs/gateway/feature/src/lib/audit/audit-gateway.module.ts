import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AuditGatewayController } from './audit.controller';
import { RequestAuditMiddleware } from './request-audit.middleware';

/**
 * `/api/v1/audit/*` for auditors, and the request log: every request through the gateway is
 * recorded as an `http.request` audit event. Needs `AuditModule.forRoot({ service: 'gateway' })`.
 */
@Module({ controllers: [AuditGatewayController], providers: [RequestAuditMiddleware] })
export class AuditGatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestAuditMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
