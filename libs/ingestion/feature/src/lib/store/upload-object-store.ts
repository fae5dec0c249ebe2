import { createHash } from 'node:crypto';
import { JetStreamClient, NatsConnection, ObjectInfo, ObjectStore, StorageType } from 'nats';
import { windowedMessages } from '@vigie/shared-messaging';

/** `SHA-256=<base64url>` (the object store's digest) as lowercase hex. */
export function digestToHex(digest: string): string {
  const b64 = digest.replace(/^SHA-256=/i, '').replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(b64, 'base64').toString('hex');
}

/** Name of the object store stream of a bucket (NATS's convention). */
export const objectStoreStream = (bucket: string) => `OBJ_${bucket}`;

/**
 * Reads uploaded files from the NATS JetStream object store, streamed with bounded memory:
 * `windowChunks` chunks (× 128 KiB) at a time, the next window fetched only once the parser has
 * taken the last ({@link windowedMessages}); the SHA-256 digest checked at the end. The layout is
 * the standard object store's, so `nats object get` works too.
 */
export class UploadObjectStore {
  private store?: Promise<ObjectStore>;
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    readonly bucket: string,
    private readonly windowChunks = 8,
    /** How long one fetch waits for chunks the server has not sent yet. */
    private readonly fetchExpiresMs = 10_000,
  ) {
    this.js = nc.jetstream();
  }

  /** The bucket, created (file storage, kept for provenance) on first use when missing. */
  private bucketStore(): Promise<ObjectStore> {
    if (!this.store) {
      this.store = this.js.views.os(this.bucket, { storage: StorageType.File, description: 'Uploaded source files of ingestion jobs (kept for provenance)' });
      this.store.catch(() => (this.store = undefined));
    }
    return this.store;
  }

  async info(name: string): Promise<ObjectInfo | null> {
    const os = await this.bucketStore();
    const info = await os.info(name);
    return info && !info.deleted ? info : null;
  }

  /** The object's bytes from the start, fetched a window at a time; throws if the digest does not match. */
  async *read(info: ObjectInfo): AsyncGenerator<Uint8Array> {
    if (info.size === 0) return;
    await this.bucketStore();
    const hash = createHash('sha256');
    let size = 0;
    const chunks = windowedMessages(this.js, objectStoreStream(this.bucket), `$O.${this.bucket}.C.${info.nuid}`, {
      window: this.windowChunks,
      ...(info.chunks > 0 ? { expected: info.chunks } : {}),
      expiresMs: this.fetchExpiresMs,
    });
    for await (const m of chunks) {
      if (m.data.length === 0) continue;
      hash.update(m.data);
      size += m.data.length;
      yield m.data;
      if (size >= info.size) break;
    }
    if (size !== info.size) throw new Error(`object ${info.name} is cut short: ${size} of ${info.size} bytes read`);
    const expected = digestToHex(info.digest);
    const actual = hash.digest('hex');
    if (expected !== actual) throw new Error(`object ${info.name} is corrupt: SHA-256 ${actual} differs from the recorded ${expected}`);
  }
}
