import { createServer, maxHeaderSize, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { clientErrorAnswer, clientErrorResponse, installClientErrorHandler } from './client-error.handler';

/** A raw exchange: what the server writes back to `request` before closing. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(request);
  });
}

function split(raw: string): { status: number; headers: string; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body: body ? JSON.parse(body) : undefined };
}

describe('clientErrorAnswer', () => {
  it('answers 431 REQUEST_HEADERS_TOO_LARGE naming the limit for a header overflow', () => {
    const [status, body] = clientErrorAnswer(Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW' }), 16_384);
    expect(status).toBe(431);
    expect(body.error.code).toBe('REQUEST_HEADERS_TOO_LARGE');
    expect(body.error.message).toContain('16384 bytes');
  });

  it('answers 408 on a header timeout and 400 BAD_REQUEST for any other parse error', () => {
    expect(clientErrorAnswer(Object.assign(new Error('t'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }))[0]).toBe(408);
    expect(clientErrorAnswer(Object.assign(new Error('bad'), { code: 'HPE_INVALID_METHOD' }))).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'Malformed HTTP request (HPE_INVALID_METHOD)' } }]);
  });

  it('writes a complete HTTP/1.1 response whose Content-Length is the JSON body in bytes', () => {
    const raw = clientErrorResponse(431, { error: { code: 'X', message: 'é' } });
    expect(raw.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
    expect(raw).toContain(`Content-Length: ${Buffer.byteLength('{"error":{"code":"X","message":"é"}}')}`);
  });
});

describe('installClientErrorHandler on a real HTTP server', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    installClientErrorHandler(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers a 20 KB query string with a JSON 431 in the gateway error shape (Node alone sends an empty body)', async () => {
    const raw = await exchange(port, `GET /api/v1/objects/count?filters=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const { status, headers, body } = split(raw);
    expect(status).toBe(431);
    expect(headers).toMatch(/content-type: application\/json/i);
    expect(body).toEqual({ error: { code: 'REQUEST_HEADERS_TOO_LARGE', message: expect.stringContaining(`${maxHeaderSize} bytes`) } });
  });

  it('answers a malformed request line with a JSON 400', async () => {
    const { status, body } = split(await exchange(port, 'NOT A REQUEST\r\n\r\n'));
    expect([status, body]).toEqual([400, { error: { code: 'BAD_REQUEST', message: expect.stringContaining('Malformed HTTP request') } }]);
  });

  it('still serves ordinary requests', async () => {
    const raw = await exchange(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(raw.startsWith('HTTP/1.1 200')).toBe(true);
  });
});
