import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  createLinkRequestSchema,
  diffResponseSchema,
  historyResponseSchema,
  linkCount,
  linkCountResponseSchema,
  linkCreate,
  linkDelete,
  linkDiff,
  linkGet,
  linkHistory,
  linkList,
  linkListPageSchema,
  linkRestore,
  linkUpdate,
  linkViewSchema,
  updateLinkRequestSchema,
} from '@vigie/ontology-contracts';
import { RequestContract, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { IF_MATCH_HEADER, PURPOSE_HEADER, READ_ERRORS } from './objects.controller';
import { defined, expectedVersionOf, openApi, query, setReadHeaders } from './ontology-query.util';

const LINK_CONFLICT = { status: 412, description: 'ONTOLOGY_VERSION_CONFLICT_OBJECT: the link changed since the version you read; reload and retry' } as const;

/** The list filters of a query string (shared by list and count). */
function linkFilters(q: Record<string, string | undefined>) {
  return {
    type: q['type'],
    objectId: q['objectId'],
    direction: q['direction'],
    validAt: q['validAt'],
    filters: query.json('filters', q['filters']),
    includeDeleted: query.bool('includeDeleted', q['includeDeleted']),
  };
}

/** `/api/v1/links…` → `ontology.v1.link.*`. A link to an object the caller may not see is not found. */
@ApiTags('ontology')
@ApiBearerAuth()
@ApiHeader(PURPOSE_HEADER)
@Controller('links')
export class OntologyLinksController {
  constructor(private readonly client: ServiceClient) {}

  private ask<C extends RequestContract>(contract: C, payload: unknown): Promise<ResponseOf<C>> {
    return this.client.request(contract, payload as RequestOf<C>);
  }

  @Post()
  @ApiOperation({ summary: 'Create a link between two objects; ends are checked against the link type' })
  @ApiBody({ schema: openApi(createLinkRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  create(@Body() body: unknown) {
    return this.ask(linkCreate, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List links by type, end object and direction, validity and property filters, filtered by markings (of the link and both ends) in the query',
    description:
      'Each request reads at most 20,000 links with one property filter or none, 20,000 ÷ n with n filters (that the caller may see, of the type, touching the object, after the cursor, in list order) and tests `validAt` and the property filters on those only, ' +
      'so it answers in about a second whatever the tenant size. When they match too rarely to fill the page within that bound, the answer is a PARTIAL page: ' +
      '`partial: true`, every match among the links read (possibly none) and a `nextCursor` that continues after the last link read. Follow `nextCursor` until it is null to see every match.',
  })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'objectId', required: false })
  @ApiQuery({ name: 'direction', required: false, enum: ['out', 'in', 'both'] })
  @ApiQuery({ name: 'validAt', required: false })
  @ApiQuery({ name: 'filters', required: false, description: 'JSON array of property filters' })
  @ApiQuery({ name: 'includeDeleted', required: false, type: Boolean })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(linkListPageSchema, 'output'), description: 'A page; `partial: true` when the scan bound was reached before the page was full (follow `nextCursor`)' })
  @ApiResponse(READ_ERRORS.audit)
  list(@Query() q: Record<string, string | undefined>) {
    return this.ask(linkList, defined({ ...linkFilters(q), cursor: q['cursor'], limit: query.int('limit', q['limit']) }));
  }

  @Get('count')
  @ApiOperation({
    summary: 'Count the links matching the list filters that the caller may see (both ends visible; without a purpose nothing at or above the purpose level)',
    description:
      'Without `validAt` or property filters the count is exact (`exact: true`). With them it reads the same bounded number of links as a listing request and counts the matches among them: ' +
      '`exact: false` means the bound was reached and `count` is a lower bound ("at least"). Narrow by `type` or `objectId` for an exact count.',
  })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'objectId', required: false })
  @ApiQuery({ name: 'direction', required: false, enum: ['out', 'in', 'both'] })
  @ApiQuery({ name: 'validAt', required: false })
  @ApiQuery({ name: 'filters', required: false, description: 'JSON array of property filters' })
  @ApiQuery({ name: 'includeDeleted', required: false, type: Boolean })
  @ApiOkResponse({ schema: openApi(linkCountResponseSchema, 'output'), description: '`{ count, exact }`; `exact: false`: at least `count` (the scan bound was reached)' })
  @ApiResponse(READ_ERRORS.audit)
  count(@Query() q: Record<string, string | undefined>) {
    return this.ask(linkCount, defined(linkFilters(q)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a link (optionally a past version). ETag: its version' })
  @ApiQuery({ name: 'version', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output'), headers: { ETag: { description: '"<version>.<digest of this body>": send it (or just "<version>") as If-Match to change the link', schema: { type: 'string' } } } })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response, @Query('version') version?: string) {
    const view = await this.ask(linkGet, defined({ id, version: query.int('version', version) }));
    setReadHeaders(res, view);
    return view;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Set properties, markings or validity of a link' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiBody({ schema: openApi(updateLinkRequestSchema.omit({ id: true }).partial({ expectedVersion: true }), 'input'), description: 'expectedVersion is required unless If-Match is sent' })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  @ApiResponse(LINK_CONFLICT)
  async update(@Param('id') id: string, @Body() body: Record<string, unknown>, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) res: Response) {
    const view = await this.ask(linkUpdate, defined({ ...(body ?? {}), id, expectedVersion: expectedVersionOf(ifMatch, body?.['expectedVersion']) }));
    setReadHeaders(res, view);
    return view;
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Soft-delete a link' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiQuery({ name: 'expectedVersion', required: false, type: Number })
  @ApiQuery({ name: 'reason', required: false })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  @ApiResponse(LINK_CONFLICT)
  remove(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined, @Query('expectedVersion') expectedVersion?: string, @Query('reason') reason?: string) {
    return this.ask(linkDelete, defined({ id, expectedVersion: expectedVersionOf(ifMatch, query.int('expectedVersion', expectedVersion)), reason }));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted link' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  @ApiResponse(LINK_CONFLICT)
  restore(@Param('id') id: string, @Body() body: { expectedVersion?: number; reason?: string } | undefined, @Headers('if-match') ifMatch: string | undefined) {
    return this.ask(linkRestore, defined({ id, expectedVersion: expectedVersionOf(ifMatch, body?.expectedVersion), reason: body?.reason }));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Versions of a link, newest first' })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(historyResponseSchema, 'output') })
  history(@Param('id') id: string, @Query('cursor') cursor?: string, @Query('limit') limit?: string) {
    return this.ask(linkHistory, defined({ id, cursor, limit: query.int('limit', limit) }));
  }

  @Get(':id/diff')
  @ApiOperation({ summary: 'Compare two versions of a link' })
  @ApiQuery({ name: 'from', required: true, type: Number })
  @ApiQuery({ name: 'to', required: true, type: Number })
  @ApiOkResponse({ schema: openApi(diffResponseSchema, 'output') })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  diff(@Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string) {
    return this.ask(linkDiff, defined({ id, fromVersion: query.int('from', from), toVersion: query.int('to', to) }));
  }
}
