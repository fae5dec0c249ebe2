import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { Observable } from 'rxjs';

/**
 * Gives every NATS (and HTTP) handler its own MikroORM identity map, like the HTTP middleware of
 * `@mikro-orm/nestjs` does for HTTP only.
 */
@Injectable()
export class OrmRequestContextInterceptor implements NestInterceptor {
  constructor(private readonly orm: MikroORM) {}

  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return new Observable((subscriber) => {
      RequestContext.create(this.orm.em, () => {
        next.handle().subscribe(subscriber);
      });
    });
  }
}
