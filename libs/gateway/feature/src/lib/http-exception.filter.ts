import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorKind, HTTP_STATUS_BY_KIND, PlatformErrorCode, VigieException } from '@vigie/shared-contracts';
import { currentTraceId } from '@vigie/shared-telemetry';

export interface HttpErrorBody {
  error: { code: string; message: string; details?: unknown };
  traceId?: string;
}

/**
 * The gateway's error mapping: a typed error (local or from a service over NATS) becomes the HTTP
 * status of its kind with its code; Nest's own HTTP errors keep their status; anything else is a
 * 500 without internals. Not everything is a 400.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = toHttpError(exception, this.logger);
    if (!res.headersSent) res.status(status).json(body);
  }
}

export function toHttpError(exception: unknown, logger: Logger): [number, HttpErrorBody] {
  const traceId = currentTraceId();
  if (exception instanceof VigieException) {
    const details = exception.details === undefined ? {} : { details: exception.details };
    return [HTTP_STATUS_BY_KIND[exception.kind], { error: { code: exception.code, message: exception.message, ...details }, traceId }];
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
    const code = status === 404 ? 'ROUTE_NOT_FOUND' : status === 413 ? 'BODY_TOO_LARGE' : status === 400 ? 'BAD_REQUEST' : `HTTP_${status}`;
    return [status, { error: { code, message }, traceId }];
  }
  const parseError = exception as { type?: string; status?: number; message?: string };
  if (parseError?.type === 'entity.parse.failed') {
    return [400, { error: { code: PlatformErrorCode.ValidationFailed, message: `Request body is not valid JSON: ${parseError.message}` }, traceId }];
  }
  if (parseError?.type === 'entity.too.large') {
    return [413, { error: { code: 'BODY_TOO_LARGE', message: 'Request body exceeds the configured limit' }, traceId }];
  }
  logger.error(`Unhandled error: ${(exception as Error)?.stack ?? String(exception)}`);
  return [HTTP_STATUS_BY_KIND[ErrorKind.Internal], { error: { code: PlatformErrorCode.Internal, message: 'Internal error' }, traceId }];
}
