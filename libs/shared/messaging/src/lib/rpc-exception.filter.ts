import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { ZodError } from 'zod';
import { ErrorKind, ErrorReply, PlatformErrorCode, validationError, VigieException } from '@vigie/shared-contracts';

/**
 * Turns whatever a NATS handler throws into the typed error reply of the contracts. Domain
 * exceptions keep their code; anything unexpected is logged here and crosses the wire as
 * `INTERNAL_ERROR` without its stack.
 */
@Catch()
export class VigieRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('rpc');

  catch(exception: unknown, host: ArgumentsHost): Observable<ErrorReply> {
    return throwError(() => toErrorReply(exception, host, this.logger));
  }
}

export function toErrorReply(exception: unknown, host: ArgumentsHost | undefined, logger: Logger): ErrorReply {
  if (exception instanceof VigieException) return exception.toReply();
  if (exception instanceof ZodError) return validationError('message', exception).toReply();
  const subject = host?.switchToRpc().getContext<{ getSubject?: () => string }>()?.getSubject?.();
  logger.error(`Unhandled error in ${subject ?? 'handler'}: ${(exception as Error)?.stack ?? String(exception)}`);
  return { code: PlatformErrorCode.Internal, kind: ErrorKind.Internal, message: 'Internal error' };
}
