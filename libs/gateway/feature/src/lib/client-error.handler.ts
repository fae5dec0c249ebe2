import { maxHeaderSize, Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpErrorBody } from './http-exception.filter';

/** Codes of the answers given before a request reaches Nest (Node's HTTP parser refused it). */
export const ClientErrorCode = {
  HeadersTooLarge: 'REQUEST_HEADERS_TOO_LARGE',
  RequestTimeout: 'REQUEST_TIMEOUT',
  /** The code the gateway's filter gives Nest's own 400s. */
  BadRequest: 'BAD_REQUEST',
} as const;

/** What Node's parser reports on a `clientError` (an `Error` with a `code`, e.g. `HPE_HEADER_OVERFLOW`). */
export interface ClientError extends Error {
  code?: string;
}

/**
 * The answer to a request Node's HTTP parser refused, in the gateway's error body shape
 * (`{ error: { code, message } }`, as {@link toHttpError}): 431 when the request line and headers
 * exceed `maxHeaderBytes` (a long query string: e.g. many property filters), 408 on a header
 * timeout, 400 for any other malformed request. There is no trace: no request was started.
 */
export function clientErrorAnswer(err: ClientError, maxHeaderBytes: number = maxHeaderSize): [number, HttpErrorBody] {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return [
      431,
      {
        error: {
          code: ClientErrorCode.HeadersTooLarge,
          message: `The request line and headers exceed the limit of ${maxHeaderBytes} bytes (Node's maxHeaderSize): shorten the URL (e.g. fewer or shorter property filters in the query string) or the headers`,
        },
      },
    ];
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, { error: { code: ClientErrorCode.RequestTimeout, message: 'The request headers were not received in time' } }];
  }
  return [400, { error: { code: ClientErrorCode.BadRequest, message: `Malformed HTTP request (${err.code ?? 'parse error'})` } }];
}

/** The raw HTTP/1.1 response (Node answers these before any `ServerResponse` exists). */
export function clientErrorResponse(status: number, body: HttpErrorBody): string {
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/**
 * Replaces Node's default `clientError` behaviour (an empty `431`/`400` body) by a JSON answer in
 * the gateway's error shape. Like Node's default, nothing is written on a reset connection or once
 * a response to that socket has begun; the socket is always closed.
 */
export function installClientErrorHandler(server: Server, maxHeaderBytes: number = maxHeaderSize): void {
  server.on('clientError', (err: ClientError, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, body] = clientErrorAnswer(err, maxHeaderBytes);
    socket.end(clientErrorResponse(status, body));
  });
}
