import { createHash, Hash } from 'node:crypto';
import { IngestionException, IngestionExceptionCode } from '@vigie/ingestion-contracts';
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

/** The refusal of an upload over the configured maximum, in words a user can act on. */
export function tooLarge(maxBytes: number): IngestionException {
  return new IngestionException(
    IngestionExceptionCode.FileTooLarge,
    `The file is larger than the maximum upload size of ${formatBytes(maxBytes)} (${maxBytes} bytes, INGEST_MAX_UPLOAD_SIZE): nothing was stored; split the file or ask an operator to raise the limit`,
    { maxBytes },
  );
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${v} ${units[u]}`;
}

/** Bytes of a refused upload read (and dropped) so the client gets its answer, before the connection is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** Reads the rest of a refused upload in the background and drops it; beyond the limit, destroys the source. */
function drain(parts: AsyncIterator<Uint8Array | string>): void {
  void (async () => {
    let dropped = 0;
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      dropped += next.value.length;
      if (dropped > DRAIN_LIMIT_BYTES) {
        await parts.return?.();
        return;
      }
    }
  })().catch(() => undefined);
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

  /** The bucket (created on first use), for the session store that shares it. */
  ready(): Promise<ObjectStore> {
    return this.bucketStore();
  }

  /**
   * Stores `source` under `name`. Beyond `maxBytes` the upload is refused (`INGESTION_FILE_TOO_LARGE`,
   * 413) and the chunks already stored are purged: no object, no orphan chunk.
   */
  async put(name: string, source: AsyncIterable<Uint8Array | string>, metadata: Record<string, string>, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StoredUpload> {
    await this.bucketStore();
    const id = nuid.next();
    const hash = createHash('sha256');
    const written = await this.writeChunks(`$O.${this.bucket}.C.${id}`, source, maxBytes, hash, () => tooLarge(maxBytes));
    const digest = hash.digest();
    await this.publishInfo(name, id, written.size, written.chunks, digest, metadata);
    return { name, size: written.size, chunks: written.chunks, sha256: digest.toString('hex') };
  }

  /**
   * Streams `source` as chunks of 128 KiB onto `subject` (at most `maxInFlight` unacknowledged),
   * feeding `hash` when given. More than `maxBytes` → `refuse()` is thrown (the rest of the source
   * is drained and dropped). On any failure the chunks already on `subject` are purged.
   */
  async writeChunks(
    subject: string,
    source: AsyncIterable<Uint8Array | string>,
    maxBytes: number,
    hash: Hash | undefined,
    refuse: () => Error,
  ): Promise<{ size: number; chunks: number }> {
    const inFlight: Promise<PubAck>[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    let chunks = 0;
    const send = async (chunk: Buffer) => {
      hash?.update(chunk);
      size += chunk.length;
      chunks++;
      const ack = this.js.publish(subject, chunk, { timeout: this.timeoutMs });
      ack.catch(() => undefined);
      inFlight.push(ack);
      if (inFlight.length >= this.maxInFlight) await inFlight.shift();
    };
    try {
      // Iterated by hand: on a refusal the source is left as it is (not destroyed), so that the
      // caller can drain the request and still answer on its connection.
      const parts = source[Symbol.asyncIterator]();
      for (let next = await parts.next(); !next.done; next = await parts.next()) {
        const part = next.value;
        const buf = typeof part === 'string' ? Buffer.from(part) : Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        if (size + pendingBytes + buf.length > maxBytes) {
          drain(parts);
          throw refuse();
        }
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
      return { size, chunks };
    } catch (error) {
      await Promise.allSettled(inFlight);
      await this.purge(subject);
      throw error;
    }
  }

  /** Deletes every message on `subject` (a chunk subject, or a wildcard over several). */
  async purge(subject: string): Promise<void> {
    await this.js
      .jetstreamManager()
      .then((jsm) => jsm.streams.purge(`OBJ_${this.bucket}`, { filter: subject }))
      .catch(() => undefined);
  }

  /**
   * Records the object `name` whose chunks are on `$O.<bucket>.C.<chunkToken>` (standard layout;
   * a resumable upload's token is a wildcard over its parts, read in stream order).
   */
  async publishInfo(name: string, chunkToken: string, size: number, chunks: number, digest: Buffer, metadata: Record<string, string>): Promise<void> {
    const info = {
      name,
      options: { max_chunk_size: CHUNK_BYTES },
      metadata,
      bucket: this.bucket,
      nuid: chunkToken,
      size,
      chunks,
      mtime: new Date().toISOString(),
      digest: `SHA-256=${base64UrlPadded(digest)}`,
      deleted: false,
    };
    const h = natsHeaders();
    h.set('Nats-Rollup', 'sub');
    await this.js.publish(`$O.${this.bucket}.M.${base64UrlPadded(name)}`, JSON.stringify(info), { headers: h, timeout: this.timeoutMs });
  }

  /** Removes an upload no job was created for (refused markings, invalid mapping). */
  async remove(name: string): Promise<void> {
    const os = await this.bucketStore();
    await os.delete(name).catch(() => undefined);
  }
}
