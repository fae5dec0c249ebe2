import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceName } from '@vigie/shared-contracts';
import { EventPublisher } from '@vigie/shared-messaging';
import { AuditRecorder } from './audit-recorder';

export interface AuditModuleOptions {
  /** The service name written in every event it records. */
  service: ServiceName;
  /** JetStream acknowledgement timeout (default: the service's REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
}

/**
 * Gives every module of a service an {@link AuditRecorder}. Needs `MessagingModule` (every
 * service has it through `runNatsService`, the gateway through `GatewayModule`). Global.
 *
 *   imports: [AuditModule.forRoot({ service: 'ontology' })]
 *   constructor(private readonly audit: AuditRecorder) {}
 *   return this.audit.guard({ actor, action: AuditAction.ObjectRead, resources }, () => repo.get(id));
 */
@Global()
@Module({})
export class AuditModule {
  static forRoot(options: AuditModuleOptions): DynamicModule {
    return {
      module: AuditModule,
      providers: [
        {
          provide: AuditRecorder,
          inject: [EventPublisher],
          useFactory: (publisher: EventPublisher) =>
            new AuditRecorder(publisher, { service: options.service, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }),
        },
      ],
      exports: [AuditRecorder],
    };
  }
}
