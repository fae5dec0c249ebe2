import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuthException, parsePurpose, setActor, TokenVerifier } from '@vigie/shared-auth';
import { AuthFailureAuditor } from './auth-failure.auditor';

/** Routes reachable without a token: the platform health (for probes and operators). */
export function isPublicRoute(method: string, path: string): boolean {
  return method === 'GET' && /^\/api\/v1\/health(\/|$)/.test(path);
}

/**
 * Verifies the bearer token of every `/api/v1` request (except health; the OpenAPI docs are not
 * Nest routes) and puts the verified actor on the request (`@CurrentActor()`). A refused token
 * is a 401 whose code says why, and is audited.
 */
@Injectable()
export class GatewayAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly auditor: AuthFailureAuditor,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    if (isPublicRoute(req.method, req.path)) return true;
    try {
      const purpose = parsePurpose(req.header('x-purpose'));
      const { actor } = await this.verifier.verifyAuthorization(req.header('authorization'), purpose);
      setActor(ctx, actor);
      return true;
    } catch (error) {
      if (error instanceof AuthException) {
        await this.auditor.record(error, { method: req.method, route: req.originalUrl ?? req.path, ip: req.ip, userAgent: req.header('user-agent') });
      }
      throw error;
    }
  }
}
