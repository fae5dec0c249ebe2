import { Logger } from '@nestjs/common';
import { ErrorKind, PlatformErrorCode } from '@vigie/shared-contracts';
import { isDatabaseUnavailable, toErrorReply } from './rpc-exception.filter';

const logger = { warn: jest.fn(), error: jest.fn() } as unknown as Logger;

describe('toErrorReply', () => {
  it('answers SERVICE_UNAVAILABLE (503) when PostgreSQL is restarting or unreachable', () => {
    for (const error of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('select "o".* from "object" as "o" where "o"."tenant" = $1 - Connection terminated unexpectedly'),
      new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
    ]) {
      expect(toErrorReply(error, undefined, logger)).toEqual({ code: PlatformErrorCode.ServiceUnavailable, kind: ErrorKind.Unavailable, message: 'The database is unavailable; retry shortly' });
    }
  });

  it('keeps other failures INTERNAL_ERROR, without their message', () => {
    const reply = toErrorReply(Object.assign(new Error('duplicate key value violates unique constraint "x"'), { code: '23505' }), undefined, logger);
    expect(reply).toEqual({ code: PlatformErrorCode.Internal, kind: ErrorKind.Internal, message: 'Internal error' });
    expect(isDatabaseUnavailable(new Error('relation "t" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
