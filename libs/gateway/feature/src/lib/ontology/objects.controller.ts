import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  createObjectRequestSchema,
  diffResponseSchema,
  historyResponseSchema,
  objectCount,
  objectCountResponseSchema,
  objectCreate,
  objectDelete,
  objectDiff,
  objectGet,
  objectHistory,
  objectList,
  objectListPageSchema,
  objectRestore,
  objectUpdate,
  objectViewSchema,
  updateObjectRequestSchema,
} from '@vigie/ontology-contracts';
import { RequestContract, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { defined, expectedVersionOf, openApi, query, setReadHeaders } from './ontology-query.util';

export const PURPOSE_HEADER = {
  name: 'x-purpose',
  required: false,
  description:
    'JSON {"caseRef","justification"}: the stated purpose, kept on every version written and in the audit event of every read. ' +
    'Needed to read data marked at or above PURPOSE_REQUIRED_FROM_LEVEL (default S): without it lists and counts leave such data out and a single read answers 428 PURPOSE_REQUIRED',
};

/** Error answers every read documents (besides 400/401/403). */
export const READ_ERRORS = {
  notFound: { status: 404, description: 'Not found, or not visible to the caller (whatever the purpose: existence is never revealed)' },
  purpose: { status: 428, description: 'PURPOSE_REQUIRED: the data is marked at or above the purpose level; send x-purpose' },
  audit: { status: 503, description: 'AUDIT_UNAVAILABLE: the read could not be audited, so nothing was served (fail closed); retry later' },
} as const;
export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'The ETag of the read ("3.<digest>") or just its version ("3"); same as expectedVersion (both may be sent if they agree). A stale one: 412 ONTOLOGY_VERSION_CONFLICT_OBJECT',
};
export const CONFLICT_ERROR = {
  status: 412,
  description: 'ONTOLOGY_VERSION_CONFLICT_OBJECT: the object changed since the version you read (details: expectedVersion, currentVersion); reload and retry',
} as const;

/** The list filters of a query string (shared by list and count). */
export function objectFilters(q: Record<string, string | undefined>) {
  return {
    type: q['type'],
    filters: query.json('filters', q['filters']),
    includeDeleted: query.bool('includeDeleted', q['includeDeleted']),
    updatedSince: q['updatedSince'],
  };
}

/**
 * `/api/v1/objects…` → `ontology.v1.object.*` with the caller's token and purpose. Input is checked
 * against the contract before it leaves (400 naming the field); what the caller may not see is 404.
 * Reads are audited by the ontology before they are answered (503 when they cannot be) and data
 * marked at or above the purpose level needs `x-purpose` (428). Reads of one object carry its
 * version as ETag; changes take it back as If-Match (or expectedVersion) — stale: 412.
 */
@ApiTags('ontology')
@ApiBearerAuth()
@ApiHeader(PURPOSE_HEADER)
@Controller('objects')
export class OntologyObjectsController {
  constructor(private readonly client: ServiceClient) {}

  private ask<C extends RequestContract>(contract: C, payload: unknown): Promise<ResponseOf<C>> {
    return this.client.request(contract, payload as RequestOf<C>);
  }

  @Post()
  @ApiOperation({ summary: 'Create an object; properties validated and identifiers normalised against its type' })
  @ApiBody({ schema: openApi(createObjectRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  create(@Body() body: unknown) {
    return this.ask(objectCreate, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List objects (type, property filters as JSON, cursor pagination), filtered by markings in the query',
    description:
      'Each request reads at most 20,000 objects with one property filter or none, 20,000 ÷ n with n filters (of the type, that the caller may see, after the cursor, in list order) and tests the property filters on those only, ' +
      'so it answers in about a second whatever the tenant size. When the filters match too rarely to fill the page within that bound, the answer is a PARTIAL page: ' +
      '`partial: true`, every match among the objects read (possibly none) and a `nextCursor` that continues after the last object read. ' +
      'Follow `nextCursor` until it is null to see every match; narrowing by `type` or `updatedSince` reads fewer objects.',
  })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'filters', required: false, description: 'JSON array of property filters, e.g. [{"property":"fullName","op":"prefix","value":"Dup"}]' })
  @ApiQuery({ name: 'includeDeleted', required: false, type: Boolean })
  @ApiQuery({ name: 'updatedSince', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(objectListPageSchema, 'output'), description: 'A page; `partial: true` when the scan bound was reached before the page was full (follow `nextCursor`)' })
  @ApiResponse(READ_ERRORS.audit)
  list(@Query() q: Record<string, string | undefined>) {
    return this.ask(objectList, defined({ ...objectFilters(q), cursor: q['cursor'], limit: query.int('limit', q['limit']) }));
  }

  @Get('count')
  @ApiOperation({
    summary: 'Count the objects matching the list filters that the caller may see (without a purpose, nothing at or above the purpose level is counted)',
    description:
      'Without property filters the count is exact (`exact: true`). With property filters it reads the same bounded number of objects as a listing request ' +
      '(20,000 with one filter, 20,000 ÷ n with n; of the type, that the caller may see, in list order from the oldest) and counts the matches among them, ' +
      'so it answers in about a second whatever the tenant size: `exact: false` means the bound was reached and `count` is a lower bound ("at least"). ' +
      'Narrow by `type` or `updatedSince` to get an exact count; hidden objects and properties are never counted.',
  })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({
    name: 'filters',
    required: false,
    description: 'JSON array of property filters, as for the list. The URL with its query string and the headers must stay under 16 KiB (else 431 REQUEST_HEADERS_TOO_LARGE)',
  })
  @ApiQuery({ name: 'includeDeleted', required: false, type: Boolean })
  @ApiQuery({ name: 'updatedSince', required: false })
  @ApiOkResponse({ schema: openApi(objectCountResponseSchema, 'output'), description: '`{ count, exact }`; `exact: false`: at least `count` (the scan bound was reached)' })
  @ApiResponse(READ_ERRORS.audit)
  count(@Query() q: Record<string, string | undefined>) {
    return this.ask(objectCount, defined(objectFilters(q)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an object (optionally a past version); properties above the caller are omitted. ETag: its version' })
  @ApiQuery({ name: 'version', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output'), headers: { ETag: { description: '"<version>.<digest of this body>": send it (or just "<version>") as If-Match to change the object; responses are Cache-Control: no-store', schema: { type: 'string' } } } })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response, @Query('version') version?: string) {
    const view = await this.ask(objectGet, defined({ id, version: query.int('version', version) }));
    setReadHeaders(res, view);
    return view;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Set or unset properties and markings; the version read (If-Match or expectedVersion) guards concurrent edits' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ schema: openApi(updateObjectRequestSchema.omit({ id: true }).partial({ expectedVersion: true }), 'input'), description: 'expectedVersion is required unless If-Match is sent' })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  @ApiResponse(CONFLICT_ERROR)
  async update(@Param('id') id: string, @Body() body: Record<string, unknown>, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response) {
    const expectedVersion = expectedVersionOf(ifMatch, body?.['expectedVersion']);
    const view = await this.ask(objectUpdate, defined({ ...(body ?? {}), id, expectedVersion }));
    setReadHeaders(res, view);
    return view;
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Soft-delete an object (its links are hidden with it); nothing is erased' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiQuery({ name: 'expectedVersion', required: false, type: Number })
  @ApiQuery({ name: 'reason', required: false })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  @ApiResponse(CONFLICT_ERROR)
  remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined, @Query('expectedVersion') expectedVersion?: string, @Query('reason') reason?: string) {
    return this.ask(objectDelete, defined({ id, expectedVersion: expectedVersionOf(ifMatch, query.int('expectedVersion', expectedVersion)), reason }));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted object' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  @ApiResponse(CONFLICT_ERROR)
  restore(@Param('id') id: string, @Body() body: { expectedVersion?: number; reason?: string } | undefined, @Headers('if-match') ifMatch: string | undefined) {
    return this.ask(objectRestore, defined({ id, expectedVersion: expectedVersionOf(ifMatch, body?.expectedVersion), reason: body?.reason }));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Versions of an object, newest first: who, when, purpose, which properties changed' })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(historyResponseSchema, 'output') })
  history(@Param('id') id: string, @Query('cursor') cursor?: string, @Query('limit') limit?: string) {
    return this.ask(objectHistory, defined({ id, cursor, limit: query.int('limit', limit) }));
  }

  @Get(':id/diff')
  @ApiOperation({ summary: 'Compare two versions of an object' })
  @ApiQuery({ name: 'from', required: true, type: Number })
  @ApiQuery({ name: 'to', required: true, type: Number })
  @ApiOkResponse({ schema: openApi(diffResponseSchema, 'output') })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  diff(@Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string) {
    return this.ask(objectDiff, defined({ id, fromVersion: query.int('from', from), toVersion: query.int('to', to) }));
  }
}
