import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseFilters, UseInterceptors } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { from, map, Observable, switchMap } from 'rxjs';
import { ErrorKind, PlatformErrorCode, PlatformException, RequestContract, validationError } from '@vigie/shared-contracts';
import { VigieRpcExceptionFilter } from './rpc-exception.filter';

/** Validates the incoming payload against the contract (replacing it with the parsed value) and the outgoing response. */
@Injectable()
class ContractInterceptor implements NestInterceptor {
  constructor(private readonly contract: RequestContract) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const args = ctx.getArgs();
    const parsed = this.contract.request.safeParse(args[0] ?? {});
    if (!parsed.success) throw validationError(`request to ${this.contract.subject}`, parsed.error);
    args[0] = parsed.data;
    return next.handle().pipe(
      switchMap((value: unknown) => from(Promise.resolve(value))),
      map((value: unknown) => {
        const out = this.contract.response.safeParse(value);
        if (!out.success) {
          throw new PlatformException(
            PlatformErrorCode.Internal,
            ErrorKind.Internal,
            `Handler of ${this.contract.subject} produced a response outside its contract`,
          );
        }
        return out.data;
      }),
    );
  }
}

/**
 * Serves one request/reply contract: subscribes the handler to the contract's subject (in the
 * service's queue group), validates both directions, and turns errors into typed replies.
 */
export function HandleRequest(contract: RequestContract): MethodDecorator {
  return applyDecorators(
    MessagePattern(contract.subject),
    UseInterceptors(new ContractInterceptor(contract)),
    UseFilters(new VigieRpcExceptionFilter()),
  );
}
