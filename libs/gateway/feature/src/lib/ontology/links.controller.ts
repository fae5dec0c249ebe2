import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  createLinkRequestSchema,
  diffResponseSchema,
  historyResponseSchema,
  linkCreate,
  linkDelete,
  linkDiff,
  linkGet,
  linkHistory,
  linkList,
  linkRestore,
  linkUpdate,
  linkViewSchema,
  pageOf,
  updateLinkRequestSchema,
} from '@vigie/ontology-contracts';
import { RequestContract, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { PURPOSE_HEADER } from './objects.controller';
import { defined, openApi, query } from './ontology-query.util';

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
  @ApiOperation({ summary: 'List links by type, end object and direction, validity and property filters' })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'objectId', required: false })
  @ApiQuery({ name: 'direction', required: false, enum: ['out', 'in', 'both'] })
  @ApiQuery({ name: 'validAt', required: false })
  @ApiQuery({ name: 'filters', required: false, description: 'JSON array of property filters' })
  @ApiQuery({ name: 'includeDeleted', required: false, type: Boolean })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(pageOf(linkViewSchema), 'output') })
  list(@Query() q: Record<string, string | undefined>) {
    return this.ask(
      linkList,
      defined({
        type: q['type'],
        objectId: q['objectId'],
        direction: q['direction'],
        validAt: q['validAt'],
        filters: query.json('filters', q['filters']),
        includeDeleted: query.bool('includeDeleted', q['includeDeleted']),
        cursor: q['cursor'],
        limit: query.int('limit', q['limit']),
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a link (optionally a past version)' })
  @ApiQuery({ name: 'version', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  get(@Param('id') id: string, @Query('version') version?: string) {
    return this.ask(linkGet, defined({ id, version: query.int('version', version) }));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Set properties, markings or validity of a link' })
  @ApiBody({ schema: openApi(updateLinkRequestSchema.omit({ id: true }), 'input') })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  update(@Param('id') id: string, @Body() body: Record<string, unknown>) {
    return this.ask(linkUpdate, { ...(body ?? {}), id });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Soft-delete a link' })
  @ApiQuery({ name: 'expectedVersion', required: false, type: Number })
  @ApiQuery({ name: 'reason', required: false })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  remove(@Param('id') id: string, @Query('expectedVersion') expectedVersion?: string, @Query('reason') reason?: string) {
    return this.ask(linkDelete, defined({ id, expectedVersion: query.int('expectedVersion', expectedVersion), reason }));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted link' })
  @ApiOkResponse({ schema: openApi(linkViewSchema, 'output') })
  restore(@Param('id') id: string, @Body() body: { expectedVersion?: number; reason?: string } | undefined) {
    return this.ask(linkRestore, defined({ id, expectedVersion: body?.expectedVersion, reason: body?.reason }));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Versions of a link, newest first' })
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
  diff(@Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string) {
    return this.ask(linkDiff, defined({ id, fromVersion: query.int('from', from), toVersion: query.int('to', to) }));
  }
}
