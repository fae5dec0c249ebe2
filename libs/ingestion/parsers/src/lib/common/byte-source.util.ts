import { ByteSource } from './parse-item.types';

/** Turns a chunk into a Buffer without copying (strings are read as UTF-8). */
export function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** Iterates a source as Buffers. A Node Readable is pulled, so a slow consumer slows the reader. */
export async function* bufferChunks(source: ByteSource): AsyncGenerator<Buffer> {
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    const buffer = toBuffer(chunk);
    if (buffer.length > 0) yield buffer;
  }
}

/** Reads chunks until at least `size` bytes (or the end); returns them joined and the iterator to go on with. */
export async function readPrefix(
  chunks: AsyncIterator<Buffer>,
  size: number,
): Promise<{ prefix: Buffer; ended: boolean }> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < size) {
    const next = await chunks.next();
    if (next.done) return { prefix: Buffer.concat(parts, length), ended: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { prefix: parts.length === 1 ? parts[0] : Buffer.concat(parts, length), ended: false };
}

/** Counts occurrences of one byte in `buffer[start, end)`. */
export function countByte(buffer: Buffer, byte: number, start = 0, end = buffer.length): number {
  let count = 0;
  let at = buffer.indexOf(byte, start);
  while (at !== -1 && at < end) {
    count++;
    at = buffer.indexOf(byte, at + 1);
  }
  return count;
}

/** Shortens text kept for quarantine, saying how much was cut. */
export function truncateRaw(text: string, limit: number, totalBytes?: number): string {
  if (text.length <= limit) return text;
  const total = totalBytes === undefined ? `${text.length} characters` : `${totalBytes} bytes`;
  return `${text.slice(0, limit)}…[truncated, ${total} in all]`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
