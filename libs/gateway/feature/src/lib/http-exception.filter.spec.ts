import { Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ErrorKind, PlatformErrorCode, PlatformException, VigieException } from '@vigie/shared-contracts';
import { toHttpError } from './http-exception.filter';

const logger = new Logger('test');
logger.error = jest.fn();

describe('toHttpError', () => {
  it.each([
    [ErrorKind.Invalid, 400],
    [ErrorKind.Unauthenticated, 401],
    [ErrorKind.NotFound, 404],
    [ErrorKind.Conflict, 409],
    [ErrorKind.PurposeRequired, 428],
    [ErrorKind.Unavailable, 503],
    [ErrorKind.Timeout, 504],
  ])('maps a typed %s error to %i with its code and details', (kind, status) => {
    const [actual, body] = toHttpError(new VigieException('SOME_CODE', kind, 'what went wrong', { field: 'name' }), logger);
    expect(actual).toBe(status);
    expect(body.error).toEqual({ code: 'SOME_CODE', message: 'what went wrong', details: { field: 'name' } });
  });

  it('keeps Nest HTTP errors with a code', () => {
    expect(toHttpError(new NotFoundException('Cannot GET /x'), logger)).toEqual([404, expect.objectContaining({ error: { code: 'ROUTE_NOT_FOUND', message: 'Cannot GET /x' } })]);
    expect(toHttpError(new PayloadTooLargeException(), logger)[0]).toBe(413);
  });

  it('names a JSON syntax error as a 400', () => {
    const parseError = Object.assign(new SyntaxError('Unexpected end of JSON input'), { type: 'entity.parse.failed', status: 400 });
    const [status, body] = toHttpError(parseError, logger);
    expect(status).toBe(400);
    expect(body.error.code).toBe(PlatformErrorCode.ValidationFailed);
    expect(body.error.message).toContain('Unexpected end of JSON input');
  });

  it('hides the internals of an unexpected error', () => {
    const [status, body] = toHttpError(new Error('password=hunter2 at db.ts:12'), logger);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalled();
  });

  it('keeps a platform timeout a 504', () => {
    expect(toHttpError(new PlatformException(PlatformErrorCode.ServiceTimeout, ErrorKind.Timeout, 'late'), logger)[0]).toBe(504);
  });
});
