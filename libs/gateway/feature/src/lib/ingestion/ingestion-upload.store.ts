import { createHash } from 'node:crypto';
import { headers as natsHeaders, JetStreamClient, NatsConnection, nuid, ObjectStore, PubAck, StorageType } from 'nats';

/** Default bucket of uploaded files (the ingestion service reads the same one). */
export const INGEST_UPLOAD_BUCKET = 'ingest-uploads';

const CHUNK_BYTES = 128 * 1024;

export interface StoredUpload {
  name: string;
  size: number;
  chunks: number;
  /** Hex SHA-256 of the bytes stored. */
  sha256: string;
}

function base64UrlPadded(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * Streams an upload into the NATS JetStream object store (standard layout: chunks on
 * `$O.<bucket>.C.<nuid>`, metadata rolled up on `$O.<bucket>.M.<name>`), with bounded memory:
 * at most `maxInFlight` chunks of 128 KiB wait for their PubAck, and the source is not read
 * further until they are acknowledged — nats.js's `put()` publishes every chunk without waiting,
 * so a fast client on a slow store would fill the gateway's memory. The SHA-256 is computed on
 * the way and recorded as the object's digest.
 */
export class IngestUploadStore {
  private store?: Promise<ObjectStore>;
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    readonly bucket = INGEST_UPLOAD_BUCKET,
    private readonly maxInFlight = 8,
    private readonly timeoutMs = 10_000,
  ) {
    this.js = nc.jetstream();
  }

  private bucketStore(): Promise<ObjectStore> {
    if (!this.store) {
      this.store = this.js.views.os(this.bucket, { storage: StorageType.File, description: 'Uploaded source files of ingestion jobs (kept for provenance)' });
      this.store.catch(() => (this.store = undefined));
    }
    return this.store;
  }

  async put(name: string, source: AsyncIterable<Uint8Array | string>, metadata: Record<string, string>): Promise<StoredUpload> {
    await this.bucketStore();
    const id = nuid.next();
    const chunkSubject = `$O.${this.bucket}.C.${id}`;
    const hash = createHash('sha256');
    const inFlight: Promise<PubAck>[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let chunks = 0;
    const send = async (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      chunks++;
      const ack = this.js.publish(chunkSubject, chunk, { timeout: this.timeoutMs });
      ack.catch(() => undefined);
      inFlight.push(ack);
      if (inFlight.length >= this.maxInFlight) await inFlight.shift();
    };
    try {
      for await (const part of source) {
        const buf = typeof part === 'string' ? Buffer.from(part) : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        pending.push(buf);
        pendingBytes += buf.length;
        while (pendingBytes >= CHUNK_BYTES) {
          const all = Buffer.concat(pending, pendingBytes);
          await send(all.subarray(0, CHUNK_BYTES));
          const rest = all.subarray(CHUNK_BYTES);
          pending = rest.length ? [Buffer.from(rest)] : [];
          pendingBytes = rest.length;
        }
      }
      if (pendingBytes > 0) await send(Buffer.concat(pending, pendingBytes));
      await Promise.all(inFlight.splice(0));
      const digest = hash.digest();
      const info = {
        name,
        options: { max_chunk_size: CHUNK_BYTES },
        metadata,
        bucket: this.bucket,
        nuid: id,
        size,
        chunks,
        mtime: new Date().toISOString(),
        digest: `SHA-256=${base64UrlPadded(digest)}`,
        deleted: false,
      };
      const h = natsHeaders();
      h.set('Nats-Rollup', 'sub');
      await this.js.publish(`$O.${this.bucket}.M.${base64UrlPadded(name)}`, JSON.stringify(info), { headers: h, timeout: this.timeoutMs });
      return { name, size, chunks, sha256: digest.toString('hex') };
    } catch (error) {
      await Promise.allSettled(inFlight);
      await this.js
        .jetstreamManager()
        .then((jsm) => jsm.streams.purge(`OBJ_${this.bucket}`, { filter: chunkSubject }))
        .catch(() => undefined);
      throw error;
    }
  }

  /** Removes an upload no job was created for (refused markings, invalid mapping). */
  async remove(name: string): Promise<void> {
    const os = await this.bucketStore();
    await os.delete(name).catch(() => undefined);
  }
}
