import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { connectNats, NatsConnectionConfig } from './nats-connection';
import { EventPublisher } from './event-publisher';
import { ServiceClient } from './service-client';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export interface MessagingModuleOptions {
  service: string;
  config: NatsConnectionConfig & { REQUEST_TIMEOUT_MS: number };
}

@Injectable()
class NatsConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain();
  }
}

/**
 * The service's client-side NATS connection (requests out, stream publishes), separate from the
 * Nest server transport's connection so that draining one does not cut the other mid-request.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options.config, `vigie-${options.service}-client`) },
        {
          provide: ServiceClient,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => new ServiceClient(nc, options.config.REQUEST_TIMEOUT_MS),
        },
        {
          provide: EventPublisher,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection) => new EventPublisher(nc, options.config.REQUEST_TIMEOUT_MS),
        },
        NatsConnectionCloser,
      ],
      exports: [NATS_CONNECTION, ServiceClient, EventPublisher],
    };
  }
}
