import { randomBytes } from 'node:crypto';

/** Streams a multipart/form-data body: the text fields first, then the file part, never holding the file. */
export function multipartBody(
  fields: Record<string, string>,
  file: { name: string; contentType: string; data: AsyncIterable<Uint8Array | string> },
): { contentType: string; body: AsyncGenerator<Uint8Array> } {
  const boundary = `----vigie${randomBytes(12).toString('hex')}`;
  const quote = (s: string) => s.replace(/["\r\n\\]/g, '_');
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const [name, value] of Object.entries(fields)) {
      yield Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`);
    }
    yield Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${quote(file.name)}"\r\ncontent-type: ${file.contentType}\r\n\r\n`);
    for await (const chunk of file.data) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: body() };
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Parses a server-sent events stream into events (comments and `retry:` lines skipped). */
export async function* parseSse(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of stream) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(buffer.slice(end).match(/^\r?\n\r?\n/)![0].length + end);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

/** `DR`, `S:op-saphir,cyber` or JSON `{"level":"DR","compartments":[]}` → the markings JSON the API takes. */
export function markingsArgument(value: string): string {
  const text = value.trim();
  if (text.startsWith('{')) return text;
  const m = /^(NP|DR|S|TS)(?::([a-z0-9][a-z0-9-]*(?:,[a-z0-9][a-z0-9-]*)*))?$/.exec(text);
  if (!m) throw new Error(`--markings must be LEVEL[:compartment,…] (levels NP, DR, S, TS) or JSON, not "${value}"`);
  return JSON.stringify({ level: m[1], compartments: m[2] ? m[2].split(',') : [] });
}

/** `[#########-----------]  45%` */
export function progressBar(fraction: number, width = 30): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
