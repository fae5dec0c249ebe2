import { createHash, randomBytes } from 'node:crypto';
import { NatsConnection, ObjectInfo, StorageType } from 'nats';
import { objectStoreStream, UploadObjectStore } from '@vigie/ingestion-feature';
import { connectSetup } from './ingestion-test.helpers';

/**
 * The ingestion service's reader of uploaded files against the stack's nats-server: the bytes and
 * digest of the object, and memory bounded by its window whatever the file's size — the server
 * sends the next chunks only once the parser has taken the previous ones (a pull consumer's
 * `consume()` queued the whole file in the service as fast as NATS could send it).
 */
const WINDOW = 4;
const CHUNK = 128 * 1024;
const CHUNKS = 48;
const bucket = `read_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const data = randomBytes(CHUNKS * CHUNK - 1000);
let nc: NatsConnection;
let info: ObjectInfo;

beforeAll(async () => {
  nc = await connectSetup();
  const os = await nc.jetstream().views.os(bucket, { storage: StorageType.File });
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(data));
      controller.close();
    },
  });
  info = await os.put({ name: 'people.csv', options: { max_chunk_size: CHUNK } }, source);
});

afterAll(async () => {
  if (nc) {
    await (await nc.jetstreamManager()).streams.delete(objectStoreStream(bucket)).catch(() => undefined);
    await nc.drain();
  }
});

/** The object's info with some fields changed (ObjectInfo's fields are getters: a spread would lose them). */
function infoWith(changes: Partial<ObjectInfo>): ObjectInfo {
  const { name, nuid, size, chunks, digest, bucket: b, mtime, deleted } = info;
  return { name, nuid, size, chunks, digest, bucket: b, mtime, deleted, ...changes } as ObjectInfo;
}

/** Chunks the server has delivered to the reader's consumer so far (the only consumer of the bucket's stream). */
async function delivered(): Promise<number> {
  const consumers = await (await nc.jetstreamManager()).consumers.list(objectStoreStream(bucket)).next();
  return consumers.reduce((n, c) => n + c.delivered.consumer_seq, 0);
}

describe('UploadObjectStore.read', () => {
  it('gives the object whole and in order, and never has more than its window of chunks delivered ahead of the parser', async () => {
    expect(info.chunks).toBe(CHUNKS);
    const chunks = new UploadObjectStore(nc, bucket, WINDOW, 1000).read(info);
    const reader = chunks[Symbol.asyncIterator]();
    const parts: Buffer[] = [];
    const ahead: number[] = [];
    for (let r = await reader.next(); !r.done; r = await reader.next()) {
      parts.push(Buffer.from(r.value));
      if (parts.length % 8 === 1) {
        // A slow parser: the server has time to send whatever was asked for.
        await new Promise((resolve) => setTimeout(resolve, 150));
        ahead.push((await delivered()) - parts.length);
      }
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(parts).toHaveLength(CHUNKS);
    expect(Math.max(...ahead)).toBeLessThan(WINDOW);
  });

  it('fails naming the bytes missing when the stream holds less than the object info says, instead of waiting for ever', async () => {
    const reader = new UploadObjectStore(nc, bucket, WINDOW, 1000);
    const bytes = async () => {
      let n = 0;
      for await (const chunk of reader.read(infoWith({ size: info.size + CHUNK, chunks: info.chunks + 1 }))) n += chunk.length;
      return n;
    };
    await expect(bytes()).rejects.toThrow(`object people.csv is cut short: ${info.size} of ${info.size + CHUNK} bytes read`);
  });

  it('fails naming both digests when the bytes differ from the recorded SHA-256', async () => {
    const other = `SHA-256=${createHash('sha256').update('something else').digest('base64url')}`;
    const read = async () => {
      for await (const chunk of new UploadObjectStore(nc, bucket, WINDOW, 1000).read(infoWith({ digest: other }))) void chunk;
    };
    await expect(read()).rejects.toThrow(/object people\.csv is corrupt: SHA-256 [0-9a-f]{64} differs from the recorded [0-9a-f]{64}/);
  });
});
