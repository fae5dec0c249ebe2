import { randomUUID } from 'node:crypto';
import {
  AuditException,
  AuditExceptionCode,
  auditExportChunk,
  AuditRecord,
  auditRecordsQuery,
  ExportContinuation,
  auditCheckpointsList,
  decodeSeqCursor,
  encodeSeqCursor,
  PublicKeyInfo,
  VerifyReportDto,
} from '@vigie/audit-contracts';
import { canonicalize, exportLines, planRangeVerification, toKeyRing, verifyChainStream } from '@vigie/audit-chain';
import { AuditStore } from '@vigie/audit-data-access';

import { RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { AuditKeyRing } from './audit-keys';

type QueryRequest = RequestOf<typeof auditRecordsQuery>;
type CheckpointsRequest = RequestOf<typeof auditCheckpointsList>;
type ExportChunkRequest = RequestOf<typeof auditExportChunk>;
type ExportChunkResponse = ResponseOf<typeof auditExportChunk>;

const EXPORT_PAGE = 500;
/** Encoded size at which a query page stops early (NATS carries at most 1 MiB per message by default). */
export const QUERY_PAGE_MAX_BYTES = 600 * 1024;

/**
 * What auditors read, always for one tenant (the caller's, from the verified token): records by
 * filter, checkpoints, verification reports, streamed exports, the public keys.
 */
export class AuditReader {
  constructor(
    private readonly store: AuditStore,
    private readonly keys: AuditKeyRing,
    private readonly exportChunkBytes: number,
  ) {}

  async query(tenant: string, req: QueryRequest): Promise<{ records: AuditRecord[]; nextCursor: string | null }> {
    const after = req.cursor === undefined ? undefined : decodeSeqCursor(req.cursor);
    const rows = await this.store.query(tenant, req.filter, req.order, req.limit + 1, after);
    // A page also stops at QUERY_PAGE_MAX_BYTES (records of large ingests name up to 1,000
    // resources each): the answer must fit in one NATS message. The cursor then continues after
    // the last record returned, so nothing is skipped.
    const page: typeof rows = [];
    let bytes = 0;
    for (const row of rows.slice(0, req.limit)) {
      const size = Buffer.byteLength(JSON.stringify(row));
      if (page.length && bytes + size > QUERY_PAGE_MAX_BYTES) break;
      page.push(row);
      bytes += size;
    }
    const last = page[page.length - 1];
    return {
      records: page as unknown as AuditRecord[],
      nextCursor: rows.length > page.length && last ? encodeSeqCursor(last.seq) : null,
    };
  }

  async checkpoints(tenant: string, req: CheckpointsRequest): Promise<ResponseOf<typeof auditCheckpointsList>> {
    const after = req.cursor === undefined ? undefined : decodeSeqCursor(req.cursor);
    const rows = await this.store.checkpoints(tenant, {
      ...(req.fromSeq === undefined ? {} : { fromSeq: req.fromSeq }),
      ...(req.toSeq === undefined ? {} : { toSeq: req.toSeq }),
      ...(after === undefined ? {} : { afterSeq: after }),
      limit: req.limit + 1,
    });
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    return { checkpoints: page, nextCursor: rows.length > req.limit && last ? encodeSeqCursor(last.seq) : null };
  }

  publicKeys(): PublicKeyInfo[] {
    return [
      { keyId: this.keys.signing.keyId, algorithm: 'Ed25519', publicKeyPem: this.keys.signing.publicKeyPem, status: 'active' },
      ...this.keys.retired.map((k) => ({ keyId: k.keyId, algorithm: 'Ed25519' as const, publicKeyPem: k.publicKeyPem, status: 'retired' as const })),
    ];
  }

  /**
   * Recomputes the tenant's chain — whole (from genesis or the retention anchor) or `fromSeq..toSeq`
   * (from the latest valid checkpoint before `fromSeq`) — streaming records from the database.
   */
  async verify(tenant: string, range: { fromSeq?: number; toSeq?: number }): Promise<VerifyReportDto> {
    const checkpoints = await this.store.checkpoints(tenant);
    const trusted = [...this.keys.trusted];
    if (range.fromSeq === undefined) {
      const first = (await this.store.firstSeq(tenant)) ?? 1;
      return verifyChainStream(this.store.records(tenant, first, range.toSeq ?? Number.MAX_SAFE_INTEGER), checkpoints, trusted, {
        tenant,
        ...(range.toSeq === undefined ? {} : { toSeq: range.toSeq }),
      });
    }
    const plan = planRangeVerification(checkpoints, range.fromSeq, toKeyRing(trusted));
    const toSeq = range.toSeq ?? Number.MAX_SAFE_INTEGER;
    return verifyChainStream(this.store.records(tenant, plan.fromSeq, toSeq), checkpoints, trusted, {
      tenant,
      fromSeq: plan.fromSeq,
      ...(range.toSeq === undefined ? {} : { toSeq: range.toSeq }),
      ...(plan.anchor ? { anchor: plan.anchor } : {}),
    });
  }

  /** Resolves an export's seq range: explicit seqs, a recordedAt window, or the whole stored chain. */
  async exportRange(tenant: string, req: { fromSeq?: number; toSeq?: number; from?: string; to?: string }): Promise<{ fromSeq: number; toSeq: number }> {
    const head = await this.store.head(tenant);
    const first = (await this.store.firstSeq(tenant)) ?? head.seq + 1;
    if (req.from !== undefined || req.to !== undefined) {
      const range = await this.store.seqRangeByRecordedAt(tenant, req.from, req.to);
      if (!range) throw new AuditException(AuditExceptionCode.RangeNotFound, `No audit records of tenant ${tenant} were chained in that time range`);
      return range;
    }
    const fromSeq = req.fromSeq ?? first;
    const toSeq = Math.min(req.toSeq ?? head.seq, head.seq);
    if (fromSeq < first) {
      throw new AuditException(AuditExceptionCode.RangeNotFound, `Records before seq ${first} of tenant ${tenant} were archived and removed (retention); ask for seq ${first} or later`);
    }
    if (req.fromSeq !== undefined && fromSeq > toSeq) {
      throw new AuditException(AuditExceptionCode.RangeNotFound, `Tenant ${tenant}'s chain ends at seq ${head.seq}; nothing to export from seq ${fromSeq}`);
    }
    return { fromSeq, toSeq };
  }

  /** One chunk of a streamed export: the first carries the header and checkpoints. */
  async exportChunk(tenant: string, req: ExportChunkRequest, purpose?: string): Promise<ExportChunkResponse> {
    let cont: ExportContinuation;
    const lines: string[] = [];
    let bytes = 0;
    if (!req.next) {
      const range = await this.exportRange(tenant, req);
      cont = { exportId: randomUUID(), fromSeq: range.fromSeq, toSeq: range.toSeq, afterSeq: range.fromSeq - 1 };
      const checkpoints = await this.store.checkpoints(tenant, { fromSeq: Math.max(range.fromSeq - 1, 1), toSeq: range.toSeq });
      for await (const line of exportLines({
        tenant,
        fromSeq: range.fromSeq,
        toSeq: range.toSeq,
        records: [],
        checkpoints,
        publicKeys: [...this.keys.trusted],
        ...(purpose === undefined ? {} : { purpose }),
      })) {
        lines.push(line);
        bytes += Buffer.byteLength(line);
      }
    } else {
      cont = { ...req.next };
    }
    while (cont.afterSeq < cont.toSeq && bytes < this.exportChunkBytes) {
      const page = await this.store.recordPage(tenant, cont.afterSeq, cont.toSeq, EXPORT_PAGE);
      if (!page.length) {
        // Records missing from the stored chain: stop here; the verifier reports the gap as truncated.
        cont.afterSeq = cont.toSeq;
        break;
      }
      for (const record of page) {
        const line = `${canonicalize({ type: 'record', ...record })}\n`;
        lines.push(line);
        bytes += Buffer.byteLength(line);
        cont.afterSeq = record.seq;
        if (bytes >= this.exportChunkBytes) break;
      }
    }
    return { exportId: cont.exportId, tenant, fromSeq: cont.fromSeq, toSeq: cont.toSeq, lines, next: cont.afterSeq < cont.toSeq ? cont : null };
  }
}
