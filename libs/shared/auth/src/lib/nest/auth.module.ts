import { DynamicModule, Global, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { ServiceClient } from '@vigie/shared-messaging';
import { allowedAlgorithms, AuthConfig } from '../auth.config';
import { JwksSource, NatsJwksSource } from '../jwks-source';
import { JwksKeyStore } from '../key-store';
import { NatsServiceTokenSource, ServiceTokenSource } from '../service-token';
import { TokenVerifier } from '../token-verifier';
import { ActorResolver } from './actor-resolver';
import { ActorInterceptor } from './actor.interceptor';

/** Injection token of the JWKS source. */
export const JWKS_SOURCE = Symbol('JWKS_SOURCE');
/** Injection token of this service's {@link ServiceTokenSource} (present when SERVICE_CLIENT_ID/SECRET are set). */
export const SERVICE_TOKEN_SOURCE = Symbol('SERVICE_TOKEN_SOURCE');

export interface AuthModuleOptions {
  config: AuthConfig & { REQUEST_TIMEOUT_MS?: number };
  /** Where keys come from; default: identity over NATS (needs `MessagingModule`). */
  jwksSource?: Omit<Extract<Provider, { useFactory: unknown }>, 'provide'>;
  /** Where this service's own token comes from; default: identity over NATS, when credentials are configured. */
  serviceTokenSource?: Omit<Extract<Provider, { useFactory: unknown }>, 'provide'>;
  /** Modules whose providers the factories above inject. */
  imports?: ModuleMetadata['imports'];
}

/**
 * Token verification for a service: `TokenVerifier`, `ActorInterceptor` (for `@Authenticated()`),
 * `ActorResolver` (`requireActor()`), and the service's own token source. Global.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const { config } = options;
    const providers: Provider[] = [
      options.jwksSource
        ? { provide: JWKS_SOURCE, ...options.jwksSource }
        : { provide: JWKS_SOURCE, inject: [ServiceClient], useFactory: (client: ServiceClient) => new NatsJwksSource(client, config.REQUEST_TIMEOUT_MS ?? 5000) },
      {
        provide: JwksKeyStore,
        inject: [JWKS_SOURCE],
        useFactory: (source: JwksSource) =>
          new JwksKeyStore(source, {
            algorithms: allowedAlgorithms(config),
            ttlMs: config.JWKS_CACHE_TTL_SECONDS * 1000,
            refetchMinIntervalMs: config.JWKS_REFETCH_MIN_INTERVAL_MS,
          }),
      },
      {
        provide: TokenVerifier,
        inject: [JwksKeyStore],
        useFactory: (keys: JwksKeyStore) =>
          new TokenVerifier({ keys, audience: config.AUTH_AUDIENCE, algorithms: allowedAlgorithms(config), clockToleranceSeconds: config.AUTH_CLOCK_SKEW_SECONDS }),
      },
      ActorInterceptor,
      ActorResolver,
      options.serviceTokenSource
        ? { provide: SERVICE_TOKEN_SOURCE, ...options.serviceTokenSource }
        : {
            provide: SERVICE_TOKEN_SOURCE,
            inject: [ServiceClient],
            useFactory: (client: ServiceClient): ServiceTokenSource | null =>
              config.SERVICE_CLIENT_ID && config.SERVICE_CLIENT_SECRET
                ? new NatsServiceTokenSource(client, { clientId: config.SERVICE_CLIENT_ID, clientSecret: config.SERVICE_CLIENT_SECRET })
                : null,
          },
    ];
    return {
      module: AuthModule,
      imports: options.imports ?? [],
      providers,
      exports: [JWKS_SOURCE, JwksKeyStore, TokenVerifier, ActorInterceptor, ActorResolver, SERVICE_TOKEN_SOURCE],
    };
  }
}
