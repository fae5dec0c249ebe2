import { CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { Observable } from 'rxjs';
import { currentCaller } from '@vigie/shared-messaging';
import { Actor } from '../actor';
import { AuthException, AuthExceptionCode } from '../auth.exception';
import { parsePurpose } from '../purpose';
import { TokenVerifier, VerifiedToken } from '../token-verifier';

const actors = new WeakMap<object, Actor>();

/** Where the actor of the current handler was stored: the HTTP request or the NATS context. */
function holder(ctx: ExecutionContext): object | undefined {
  if (ctx.getType() === 'http') return ctx.switchToHttp().getRequest<object>();
  if (ctx.getType() === 'rpc') return ctx.switchToRpc().getContext<object>();
  return undefined;
}

/** The verified actor of the handler being run, if an {@link ActorInterceptor} ran. */
export function actorOf(ctx: ExecutionContext): Actor | undefined {
  const h = holder(ctx);
  return h ? actors.get(h) : undefined;
}

export function setActor(ctx: ExecutionContext, actor: Actor): void {
  const h = holder(ctx);
  if (h) actors.set(h, actor);
}

/**
 * Verifies the caller's token before the handler: over NATS, the forwarded `authorization`
 * header (re-verified here, never trusted); over HTTP, the request's. No token or a bad one →
 * 401 with the reason code. The actor is then available through {@link CurrentActor}.
 */
@Injectable()
export class ActorInterceptor implements NestInterceptor {
  constructor(private readonly verifier: TokenVerifier) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (!actorOf(ctx)) {
      const verified = await this.verify(ctx);
      setActor(ctx, verified.actor);
    }
    return next.handle();
  }

  private verify(ctx: ExecutionContext): Promise<VerifiedToken> {
    if (ctx.getType() === 'http') {
      const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
      const h = req.headers['authorization'];
      const p = req.headers['x-purpose'];
      return this.verifier.verifyAuthorization(Array.isArray(h) ? h[0] : h, parsePurpose(Array.isArray(p) ? p[0] : p));
    }
    const caller = currentCaller();
    return this.verifier.verifyAuthorization(caller?.authorization, parsePurpose(caller?.purpose));
  }
}

/** Method decorator: the handler needs a verified actor (use with `@CurrentActor()`). */
export const Authenticated = (): MethodDecorator & ClassDecorator => UseInterceptors(ActorInterceptor);

/**
 * Parameter decorator: the verified actor. Fails closed (401 MISSING_TOKEN) when no actor was
 * established — e.g. the handler forgot `@Authenticated()`.
 */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = actorOf(ctx);
  if (!actor) throw new AuthException(AuthExceptionCode.MissingToken, 'This operation needs an authenticated caller');
  return actor;
});
