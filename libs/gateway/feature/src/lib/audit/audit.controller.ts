import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  auditChainVerify,
  auditCheckpointsList,
  auditExportChunk,
  auditKeysPublic,
  auditRecordsQuery,
  AuditRecordFilter,
  ExportContinuation,
} from '@vigie/audit-contracts';

import { ErrorKind, PlatformErrorCode, PlatformException, RequestOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';

type QueryParams = Record<string, string | string[] | undefined>;

function one(q: QueryParams, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A numeric query parameter; left as the string when it is not a number, so the contract names it. */
function num(q: QueryParams, name: string): number | string | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

function bool(q: QueryParams, name: string): boolean | string | undefined {
  const v = one(q, name);
  return v === 'true' ? true : v === 'false' ? false : v;
}

function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Query string → `audit.v1.records.query` filter (validated by the contract before it leaves). */
export function recordFilterFrom(q: QueryParams): AuditRecordFilter {
  const resourceId = one(q, 'resourceId');
  const resourceType = one(q, 'resourceType');
  return defined({
    actor: one(q, 'actor'),
    resource: resourceId !== undefined ? defined({ id: resourceId, type: resourceType }) : undefined,
    action: one(q, 'action'),
    from: one(q, 'from'),
    to: one(q, 'to'),
    purposeCaseRef: one(q, 'purposeCaseRef'),
    withPurpose: bool(q, 'withPurpose'),
    outcome: one(q, 'outcome'),
    traceId: one(q, 'traceId'),
  }) as AuditRecordFilter;
}

/** `chain=platform`: the platform chain (`_platform`), for auditors of the realms the audit service designates. */
const CHAIN_QUERY = {
  name: 'chain',
  required: false,
  enum: ['tenant', 'platform'],
  description: "tenant (default): the caller's tenant's chain; platform: events without a tenant (e.g. requests without a valid token), for auditors of the realms in the audit service's AUDIT_PLATFORM_AUDITOR_REALMS",
} as const;

export const EXPORT_PURPOSE_MESSAGE =
  'Exporting the audit log needs a stated purpose: send the header x-purpose: {"caseRef":"<case reference>","justification":"<why>"}';

/**
 * `/api/v1/audit/*`: the auditors' API (role `vigie-auditor`, tenant from the token — the audit
 * service re-verifies both and audits every read), forwarded over NATS.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditGatewayController {
  constructor(private readonly client: ServiceClient) {}

  @Get('records')
  @ApiOperation({ summary: "Query the caller's tenant's audit records (newest first by default), cursor-paginated" })
  @ApiQuery({ name: 'actor', required: false, description: 'Actor sub or username' })
  @ApiQuery({ name: 'resourceType', required: false })
  @ApiQuery({ name: 'resourceId', required: false })
  @ApiQuery({ name: 'action', required: false, description: '"object.read" or a domain prefix "object.*"' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'purposeCaseRef', required: false })
  @ApiQuery({ name: 'withPurpose', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'outcome', required: false, enum: ['success', 'denied', 'failure', 'error'] })
  @ApiQuery({ name: 'traceId', required: false })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery(CHAIN_QUERY)
  records(@Query() q: QueryParams) {
    return this.client.request(
      auditRecordsQuery,
      defined({ chain: one(q, 'chain'), filter: recordFilterFrom(q), order: one(q, 'order'), limit: num(q, 'limit'), cursor: one(q, 'cursor') }) as RequestOf<typeof auditRecordsQuery>,
    );
  }

  @Get('verify')
  @ApiOperation({ summary: "Verify the caller's tenant's chain (whole, or fromSeq..toSeq): first altered/removed/inserted/reordered record, each checkpoint's signature" })
  @ApiQuery({ name: 'fromSeq', required: false })
  @ApiQuery({ name: 'toSeq', required: false })
  @ApiQuery(CHAIN_QUERY)
  verify(@Query() q: QueryParams) {
    return this.client.request(auditChainVerify, defined({ chain: one(q, 'chain'), fromSeq: num(q, 'fromSeq'), toSeq: num(q, 'toSeq') }) as RequestOf<typeof auditChainVerify>, {
      timeoutMs: 120_000,
    });
  }

  @Get('checkpoints')
  @ApiOperation({ summary: "The signed checkpoints of the caller's tenant's chain" })
  @ApiQuery({ name: 'fromSeq', required: false })
  @ApiQuery({ name: 'toSeq', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery(CHAIN_QUERY)
  checkpoints(@Query() q: QueryParams) {
    return this.client.request(
      auditCheckpointsList,
      defined({ chain: one(q, 'chain'), fromSeq: num(q, 'fromSeq'), toSeq: num(q, 'toSeq'), limit: num(q, 'limit'), cursor: one(q, 'cursor') }) as RequestOf<typeof auditCheckpointsList>,
    );
  }

  @Get('keys')
  @ApiOperation({ summary: 'Public keys that verify checkpoint signatures (for `vigie audit verify FILE --public-key K`)' })
  @ApiOkResponse({ description: '{ keys: [{ keyId, algorithm, publicKeyPem, status }] }' })
  keys() {
    return this.client.request(auditKeysPublic, {});
  }

  @Get('export')
  @ApiOperation({ summary: "Export the caller's tenant's chain (or a seq/time range) as NDJSON with its checkpoints, streamed" })
  @ApiProduces('application/x-ndjson')
  @ApiHeader({ name: 'x-purpose', required: true, description: 'JSON {"caseRef","justification"}; without it: 428 PURPOSE_REQUIRED' })
  @ApiQuery({ name: 'fromSeq', required: false })
  @ApiQuery({ name: 'toSeq', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery(CHAIN_QUERY)
  async export(@Query() q: QueryParams, @Headers('x-purpose') purpose: string | undefined, @Res() res: Response): Promise<void> {
    if (!purpose) throw new PlatformException(PlatformErrorCode.PurposeRequired, ErrorKind.PurposeRequired, EXPORT_PURPOSE_MESSAGE);
    // The first chunk is fetched before anything is written, so its errors keep their HTTP status.
    let chunk = await this.client.request(
      auditExportChunk,
      defined({ chain: one(q, 'chain'), fromSeq: num(q, 'fromSeq'), toSeq: num(q, 'toSeq'), from: one(q, 'from'), to: one(q, 'to') }) as RequestOf<typeof auditExportChunk>,
    );
    res.status(200);
    res.setHeader('content-type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="audit-${chunk.tenant}-${chunk.fromSeq}-${chunk.toSeq}.ndjson"`);
    res.setHeader('x-audit-export-id', chunk.exportId);
    try {
      for (;;) {
        for (const line of chunk.lines) {
          if (!res.write(line)) await new Promise((resolve) => res.once('drain', resolve));
        }
        if (!chunk.next) break;
        const next: ExportContinuation = chunk.next;
        chunk = await this.client.request(auditExportChunk, defined({ next, chain: one(q, 'chain') }) as RequestOf<typeof auditExportChunk>);
      }
      res.end();
    } catch {
      // Headers are gone: cut the download so it cannot pass for a complete export (it would not verify).
      res.destroy();
    }
  }
}
