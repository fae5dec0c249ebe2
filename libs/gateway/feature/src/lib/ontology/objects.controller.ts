import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  createObjectRequestSchema,
  diffResponseSchema,
  historyResponseSchema,
  objectCreate,
  objectDelete,
  objectDiff,
  objectGet,
  objectHistory,
  objectList,
  objectRestore,
  objectUpdate,
  objectViewSchema,
  pageOf,
  updateObjectRequestSchema,
} from '@vigie/ontology-contracts';
import { RequestContract, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { defined, openApi, query } from './ontology-query.util';

export const PURPOSE_HEADER = { name: 'x-purpose', required: false, description: 'JSON {"caseRef","justification"}: the stated purpose, kept on every version written' };

/**
 * `/api/v1/objects…` → `ontology.v1.object.*` with the caller's token and purpose. Input is checked
 * against the contract before it leaves (400 naming the field); what the caller may not see is 404.
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
  @ApiOperation({ summary: 'List objects (type, property filters as JSON, cursor pagination), filtered by markings in the query' })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'filters', required: false, description: 'JSON array of property filters, e.g. [{"property":"fullName","op":"prefix","value":"Dup"}]' })
  @ApiQuery({ name: 'includeDeleted', required: false, type: Boolean })
  @ApiQuery({ name: 'updatedSince', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(pageOf(objectViewSchema), 'output') })
  list(@Query() q: Record<string, string | undefined>) {
    return this.ask(
      objectList,
      defined({
        type: q['type'],
        filters: query.json('filters', q['filters']),
        includeDeleted: query.bool('includeDeleted', q['includeDeleted']),
        updatedSince: q['updatedSince'],
        cursor: q['cursor'],
        limit: query.int('limit', q['limit']),
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read an object (optionally a past version); properties above the caller are omitted' })
  @ApiQuery({ name: 'version', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  get(@Param('id') id: string, @Query('version') version?: string) {
    return this.ask(objectGet, defined({ id, version: query.int('version', version) }));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Set or unset properties and markings; expectedVersion guards concurrent edits' })
  @ApiBody({ schema: openApi(updateObjectRequestSchema.omit({ id: true }), 'input') })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  update(@Param('id') id: string, @Body() body: Record<string, unknown>) {
    return this.ask(objectUpdate, { ...(body ?? {}), id });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Soft-delete an object (its links are hidden with it); nothing is erased' })
  @ApiQuery({ name: 'expectedVersion', required: false, type: Number })
  @ApiQuery({ name: 'reason', required: false })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  remove(@Param('id') id: string, @Query('expectedVersion') expectedVersion?: string, @Query('reason') reason?: string) {
    return this.ask(objectDelete, defined({ id, expectedVersion: query.int('expectedVersion', expectedVersion), reason }));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restore a soft-deleted object' })
  @ApiOkResponse({ schema: openApi(objectViewSchema, 'output') })
  restore(@Param('id') id: string, @Body() body: { expectedVersion?: number; reason?: string } | undefined) {
    return this.ask(objectRestore, defined({ id, expectedVersion: body?.expectedVersion, reason: body?.reason }));
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Versions of an object, newest first: who, when, purpose, which properties changed' })
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
  diff(@Param('id') id: string, @Query('from') from?: string, @Query('to') to?: string) {
    return this.ask(objectDiff, defined({ id, fromVersion: query.int('from', from), toVersion: query.int('to', to) }));
  }
}
