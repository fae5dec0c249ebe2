import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { assertSegmentRemovable, createRetentionAnchor, exportLines, retentionCutoff, verifyExport } from '@vigie/audit-chain';
import { AuditStore } from '@vigie/audit-data-access';
import { AuditKeyRing } from './audit-keys';
import { AuditReader } from './audit-reader.service';

export interface ArchivedSegment {
  tenant: string;
  fromSeq: number;
  toSeq: number;
  records: number;
  file: string;
  sha256: string;
  bytes: number;
  removed: number;
}

/**
 * Retention: for each tenant, the records chained before the cutoff are (1) verified, (2) sealed by
 * a signed `anchor` checkpoint at the last of them, (3) exported with their checkpoints and the
 * anchor to an NDJSON archive file, which is read back and verified, (4) registered, and only then
 * (5) removed through the database's SECURITY DEFINER function, which refuses without a matching
 * anchor and archive. The rest of the chain verifies from the anchor.
 */
export class AuditRetention {
  constructor(
    private readonly store: AuditStore,
    private readonly reader: AuditReader,
    private readonly keys: AuditKeyRing,
    private readonly options: { retentionDays: number; archiveDir?: string },
  ) {}

  async run(now: Date = new Date()): Promise<ArchivedSegment[]> {
    if (!(this.options.retentionDays > 0)) return [];
    const done: ArchivedSegment[] = [];
    for (const tenant of await this.store.tenants()) {
      const segment = await this.archiveTenant(tenant, retentionCutoff(this.options.retentionDays, now));
      if (segment) done.push(segment);
    }
    return done;
  }

  /** Archives and removes `tenant`'s records chained before `cutoff` (ISO time); null when there are none. */
  async archiveTenant(tenant: string, cutoff: string): Promise<ArchivedSegment | null> {
    const dir = this.options.archiveDir;
    if (!dir) throw new AuditException(AuditExceptionCode.RetentionRefused, 'AUDIT_ARCHIVE_DIR is not set: segments are never removed without an archive');
    const upTo = await this.store.lastSeqRecordedBefore(tenant, cutoff);
    const first = await this.store.firstSeq(tenant);
    if (upTo === null || first === null || upTo < first) return null;

    const report = await this.reader.verify(tenant, { toSeq: upTo });
    if (!report.ok) {
      throw new AuditException(
        AuditExceptionCode.RetentionRefused,
        `Tenant ${tenant}'s chain does not verify up to seq ${upTo} (${report.firstProblem?.kind} at seq ${report.firstProblem?.seq}): nothing archived or removed`,
      );
    }
    const [last] = await this.store.recordPage(tenant, upTo - 1, upTo, 1);
    const anchor = createRetentionAnchor({ tenant, seq: upTo, hash: last.hash }, this.keys.signing);
    await this.store.insertCheckpoint(anchor);

    const tenantDir = join(dir, tenant);
    mkdirSync(tenantDir, { recursive: true });
    const file = join(tenantDir, `${tenant}-${String(first).padStart(12, '0')}-${String(upTo).padStart(12, '0')}.ndjson`);
    const partial = `${file}.partial`;
    const hash = createHash('sha256');
    let bytes = 0;
    const out = createWriteStream(partial, { flags: 'w' });
    const checkpoints = await this.store.checkpoints(tenant, { fromSeq: Math.max(first - 1, 1), toSeq: upTo });
    for await (const line of exportLines({
      tenant,
      fromSeq: first,
      toSeq: upTo,
      records: this.store.records(tenant, first, upTo),
      checkpoints,
      publicKeys: [...this.keys.trusted],
      purpose: 'archive',
    })) {
      hash.update(line);
      bytes += Buffer.byteLength(line);
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const fh = await open(partial, 'r');
    await fh.sync();
    await fh.close();
    await rename(partial, file);

    const archived = await verifyExport(createReadStream(file), [...this.keys.trusted]);
    assertSegmentRemovable(archived, anchor);
    const sha256 = hash.digest('hex');
    const records = upTo - first + 1;
    await this.store.insertArchive({ tenant, fromSeq: first, toSeq: upTo, records, location: file, sha256, bytes });
    const removed = await this.store.purgeArchivedSegment(tenant, upTo);
    return { tenant, fromSeq: first, toSeq: upTo, records, file, sha256, bytes, removed };
  }
}
