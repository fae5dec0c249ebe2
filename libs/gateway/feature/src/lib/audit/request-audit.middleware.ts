import { ExecutionContext, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuditAction, AuditOutcome, JsonObjectValue, PLATFORM_TENANT } from '@vigie/audit-contracts';
import { actorOf } from '@vigie/shared-auth';
import { ANONYMOUS_ACTOR, AuditRecorder, AuditRecordInput } from '@vigie/shared-audit-client';
import { currentTraceId } from '@vigie/shared-telemetry';

/** Outcome of an HTTP exchange for the audit log. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 428) return 'denied';
  if (status >= 500) return 'error';
  return 'failure';
}

/** The verified actor the auth guard put on this request, if any (see `setActor` in shared-auth). */
function verifiedActor(req: Request) {
  const ctx = { getType: () => 'http', switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  return actorOf(ctx);
}

/** The `http.request` event of one finished exchange (exported for tests). */
export function requestAuditInput(req: Request, res: Response, latencyMs: number, errorCode?: string, traceId?: string): AuditRecordInput {
  const actor = verifiedActor(req);
  const matched = (req.route as { path?: string } | undefined)?.path;
  const details: JsonObjectValue = {
    method: req.method,
    route: matched ? `${req.baseUrl ?? ''}${matched}` : req.path,
    path: req.path.slice(0, 1000),
    status: res.statusCode,
    latencyMs: Math.round(latencyMs * 100) / 100,
    ...(errorCode ? { errorCode } : {}),
    ...(req.ip ? { ip: req.ip } : {}),
    ...(req.header('user-agent') ? { userAgent: String(req.header('user-agent')).slice(0, 300) } : {}),
  };
  return {
    ...(actor ? { actor } : { actor: ANONYMOUS_ACTOR, tenant: PLATFORM_TENANT, purpose: null }),
    action: AuditAction.HttpRequest,
    outcome: outcomeOfStatus(res.statusCode),
    details,
    ...(traceId ? { traceId } : {}),
  };
}

/**
 * Records every request through the gateway — authenticated or not, refused or served — as an
 * `http.request` audit event once the response has finished (or the client went away): actor
 * (verified by the auth guard, else anonymous in the platform's chain), route, method, status,
 * latency, outcome, error code. Runs before the guards, so 401s are seen too. The response is
 * already sent, so this log is best effort: a failure to record is logged, never retried here.
 * (Reads of protected data are fail-closed in the services that serve them.)
 */
@Injectable()
export class RequestAuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('audit');

  constructor(private readonly recorder: AuditRecorder) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    const traceId = currentTraceId();
    let errorCode: string | undefined;
    const json = res.json.bind(res);
    res.json = (body?: unknown) => {
      const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
      if (typeof code === 'string') errorCode = code;
      return json(body);
    };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const input = requestAuditInput(req, res, performance.now() - started, errorCode ?? (res.writableFinished ? undefined : 'CLIENT_CLOSED'), traceId);
      this.recorder.recordInBackground(input, (error) => this.logger.error(`http.request audit event not recorded (${req.method} ${req.path} ${res.statusCode}): ${error.message}`));
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  }
}
