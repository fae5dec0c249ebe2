import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { runWithCaller } from '@vigie/shared-messaging';

/**
 * Makes the request's bearer token and purpose the caller context of everything the handler
 * does, so every NATS request it sends forwards them (`outgoingHeaders`) and each service
 * re-verifies the token. Nest binds the handler to the async context in which `handle()` is
 * called, hence the call inside `runWithCaller`.
 */
@Injectable()
export class CallerContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const authorization = req.header('authorization');
    const purpose = req.header('x-purpose');
    return runWithCaller({ ...(authorization ? { authorization } : {}), ...(purpose ? { purpose } : {}), subject: `${req.method} ${req.path}` }, () => next.handle());
  }
}
