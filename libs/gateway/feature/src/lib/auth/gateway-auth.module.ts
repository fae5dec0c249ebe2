import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthModule, HttpJwksSource, natsTenantDirectory } from '@vigie/shared-auth';
import { EventPublisher, ServiceClient } from '@vigie/shared-messaging';
import { GatewayConfig } from '../gateway.config';
import { AuthFailureAuditor } from './auth-failure.auditor';
import { CallerContextInterceptor } from './caller-context.interceptor';
import { GatewayAuthConfig, loadGatewayAuthConfig } from './gateway-auth.config';
import { GatewayAuthGuard } from './gateway-auth.guard';
import { MeController } from './me.controller';

/**
 * Authentication at the edge: keys from Keycloak over HTTP (per realm, cached), tenants from
 * identity over NATS, a global guard on every `/api/v1` route but health, the caller context
 * for forwarding, `GET /api/v1/auth/me`.
 */
@Module({})
export class GatewayAuthModule {
  static register(config: GatewayConfig, auth: GatewayAuthConfig = loadGatewayAuthConfig()): DynamicModule {
    const settings = { ...auth, REQUEST_TIMEOUT_MS: config.REQUEST_TIMEOUT_MS };
    return {
      module: GatewayAuthModule,
      imports: [
        AuthModule.forRoot({
          config: settings,
          jwksSource: {
            inject: [ServiceClient],
            useFactory: (client: ServiceClient) =>
              new HttpJwksSource({
                keycloakUrl: config.KEYCLOAK_URL,
                issuerBaseUrl: auth.KEYCLOAK_ISSUER_URL,
                tenants: natsTenantDirectory(client, auth.TENANT_CACHE_TTL_MS),
                timeoutMs: config.REQUEST_TIMEOUT_MS,
              }),
          },
        }),
      ],
      controllers: [MeController],
      providers: [
        { provide: AuthFailureAuditor, inject: [EventPublisher], useFactory: (publisher: EventPublisher) => new AuthFailureAuditor(publisher, auth.AUTH_AUDIT_TIMEOUT_MS) },
        { provide: APP_GUARD, useClass: GatewayAuthGuard },
        { provide: APP_INTERCEPTOR, useClass: CallerContextInterceptor },
      ],
    };
  }
}
