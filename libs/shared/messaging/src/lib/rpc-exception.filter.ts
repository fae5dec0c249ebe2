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
  if (isDatabaseUnavailable(exception)) {
    // PostgreSQL restarting or unreachable: the caller may retry; nothing is wrong with the request.
    logger.warn(`Database unavailable in ${subject ?? 'handler'}: ${(exception as Error).message}`);
    return { code: PlatformErrorCode.ServiceUnavailable, kind: ErrorKind.Unavailable, message: 'The database is unavailable; retry shortly' };
  }
  logger.error(`Unhandled error in ${subject ?? 'handler'}: ${(exception as Error)?.stack ?? String(exception)}`);
  return { code: PlatformErrorCode.Internal, kind: ErrorKind.Internal, message: 'Internal error' };
}

/** SQLSTATEs of a server going away or refusing connections (class 08, and 57P01–57P03). */
const UNAVAILABLE_SQLSTATE = /^(08\d{3}|57P0[123])$/;
const UNAVAILABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
// Anywhere in the message: knex prefixes the driver's message with the statement (`select … - Connection terminated unexpectedly`).
const UNAVAILABLE_MESSAGE = /(Connection terminated|Client has encountered a connection error|Timeout acquiring a connection|the database system is (starting up|shutting down|in recovery mode)|connect ECONNREFUSED)/;

/** True when an error means "the database cannot be reached right now", not a bug or a bad request. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NETWORK.has(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}
