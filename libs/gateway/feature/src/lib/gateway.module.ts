import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '@vigie/shared-audit-client';
import { MessagingModule } from '@vigie/shared-messaging';
import { AdminModule } from './admin/admin.module';
import { AnalyticsGatewayModule } from './analytics/analytics.module';
import { AuditGatewayModule } from './audit/audit-gateway.module';
import { ConsoleModule } from './console/console.module';
import { GatewayAuthModule } from './auth/gateway-auth.module';
import { GATEWAY_CONFIG, GatewayConfig } from './gateway.config';
import { GatewayExceptionFilter } from './http-exception.filter';
import { HealthController } from './health.controller';
import { IngestionGatewayModule } from './ingestion/ingestion.module';
import { OntologyGatewayModule } from './ontology/ontology-gateway.module';

/** The HTTP edge: `/api/v1` routes that become NATS requests to the services. */
@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [MessagingModule.forRoot({ service: 'gateway', config }), GatewayAuthModule.register(config), AdminModule, AnalyticsGatewayModule, AuditModule.forRoot({ service: 'gateway' }), AuditGatewayModule, OntologyGatewayModule, IngestionGatewayModule, ConsoleModule.register(config.KEYCLOAK_URL)],
      controllers: [HealthController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, { provide: APP_FILTER, useClass: GatewayExceptionFilter }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
