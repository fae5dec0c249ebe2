import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { ServiceMetrics } from '@vigie/shared-telemetry';

/** Counts and times every handled request, by transport, operation and outcome. */
@Injectable()
export class MetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: ServiceMetrics) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const started = process.hrtime.bigint();
    const transport = ctx.getType() === 'rpc' ? 'nats' : 'http';
    const operation =
      transport === 'nats'
        ? String(ctx.switchToRpc().getContext<{ getSubject(): string }>().getSubject?.() ?? 'unknown')
        : `${ctx.switchToHttp().getRequest<{ method: string; route?: { path: string } }>().method} ${ctx.switchToHttp().getRequest<{ route?: { path: string } }>().route?.path ?? '?'}`;
    const done = (outcome: string) => this.metrics.observe(transport, operation, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    return next.handle().pipe(tap({ next: () => done('success'), error: () => done('error') }));
  }
}
