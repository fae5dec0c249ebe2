import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('parses named events, joins data lines and skips comments and retry', () => {
    const parser = new SseParser();
    const events = parser.push('retry: 2000\n\n: keep-alive\n\nevent: progress\ndata: {"a":1}\n\nevent: end\ndata: line1\ndata: line2\n\n');
    expect(events).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'end', data: 'line1\nline2' },
    ]);
  });

  it('completes an event split across chunks, including a CRLF split in the middle', () => {
    const parser = new SseParser();
    expect(parser.push('event: progr')).toEqual([]);
    expect(parser.push('ess\r')).toEqual([]);
    expect(parser.push('\ndata:{"b":2}\r\n')).toEqual([]);
    expect(parser.push('\r\n')).toEqual([{ event: 'progress', data: '{"b":2}' }]);
  });

  it('names an unnamed event "message" and keeps the last id', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\ndata: x\n\n')).toEqual([{ event: 'message', data: 'x', id: '7' }]);
  });
});
