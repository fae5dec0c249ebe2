import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  entityViewSchema,
  linkTypeSchema,
  mergeViewSchema,
  objectTypeSchema,
  pageOf,
  resolutionEntityGet,
  resolutionQueueDecide,
  resolutionQueueList,
  resolutionUnmerge,
  reviewDecideResponseSchema,
  reviewItemSchema,
  typeGet,
  typeGetResponseSchema,
  typeList,
  typeListResponseSchema,
  typeUpsert,
  typeUpsertResponseSchema,
} from '@vigie/ontology-contracts';
import { ErrorKind, PlatformErrorCode, PlatformException, RequestContract, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { z } from 'zod';
import { PURPOSE_HEADER, READ_ERRORS } from './objects.controller';
import { defined, openApi, query } from './ontology-query.util';

const KINDS = ['object', 'link'] as const;

function kindOf(kind: string): 'object' | 'link' {
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new PlatformException(PlatformErrorCode.NotFound, ErrorKind.NotFound, `Unknown type kind "${kind}"; expected object or link`);
  }
  return kind as 'object' | 'link';
}

/** `/api/v1/types…` (the tenant's ontology, changed by administrators) and `/api/v1/resolution/…` (review queue, merges, entities). */
@ApiTags('ontology')
@ApiBearerAuth()
@ApiHeader(PURPOSE_HEADER)
@Controller()
export class OntologyTypesResolutionController {
  constructor(private readonly client: ServiceClient) {}

  private ask<C extends RequestContract>(contract: C, payload: unknown): Promise<ResponseOf<C>> {
    return this.client.request(contract, payload as RequestOf<C>);
  }

  @Get('types')
  @ApiOperation({ summary: "The tenant's ontology document at its current version" })
  @ApiOkResponse({ schema: openApi(typeListResponseSchema, 'output') })
  types() {
    return this.ask(typeList, {});
  }

  @Get('types/:kind/:name')
  @ApiOperation({ summary: 'One object or link type' })
  @ApiParam({ name: 'kind', enum: KINDS })
  @ApiOkResponse({ schema: openApi(typeGetResponseSchema, 'output') })
  type(@Param('kind') kind: string, @Param('name') name: string) {
    return this.ask(typeGet, { kind: kindOf(kind), name });
  }

  @Put('types/:kind/:name')
  @ApiOperation({ summary: 'Add or extend a type (administrators); a change that would invalidate stored data is refused, naming each problem' })
  @ApiParam({ name: 'kind', enum: KINDS })
  @ApiBody({ schema: openApi(z.object({ expectedVersion: z.number().int().positive(), type: z.union([objectTypeSchema, linkTypeSchema]) }), 'input') })
  @ApiOkResponse({ schema: openApi(typeUpsertResponseSchema, 'output') })
  upsert(@Param('kind') kind: string, @Param('name') name: string, @Body() body: { expectedVersion?: unknown; type?: { name?: unknown } } | undefined) {
    if (body?.type && typeof body.type === 'object' && body.type.name !== undefined && body.type.name !== name) {
      throw new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, `type.name "${String(body.type.name)}" does not match the path (${name})`, {
        fields: [{ path: 'type.name', message: `must be ${name}` }],
      });
    }
    return this.ask(typeUpsert, { kind: kindOf(kind), expectedVersion: body?.expectedVersion, type: { ...(body?.type ?? {}), name } });
  }

  @Get('resolution/queue')
  @ApiOperation({ summary: 'Pairs in the review band, best score first (only pairs whose two records the caller may see)' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'merged', 'rejected'] })
  @ApiQuery({ name: 'objectType', required: false })
  @ApiQuery({ name: 'objectId', required: false, description: 'Only the pairs this object is one side of' })
  @ApiQuery({ name: 'minScore', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ schema: openApi(pageOf(reviewItemSchema), 'output') })
  @ApiResponse(READ_ERRORS.audit)
  queue(@Query() q: Record<string, string | undefined>) {
    const minScore = q['minScore'] === undefined || q['minScore'] === '' ? undefined : Number(q['minScore']);
    return this.ask(resolutionQueueList, defined({ status: q['status'], objectType: q['objectType'], objectId: q['objectId'], minScore, cursor: q['cursor'], limit: query.int('limit', q['limit']) }));
  }

  @Post('resolution/queue/:reviewId/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge or reject a pair from the review queue' })
  @ApiBody({ schema: { type: 'object', properties: { decision: { enum: ['merge', 'reject'] }, comment: { type: 'string' } }, required: ['decision'] } })
  @ApiOkResponse({ schema: openApi(reviewDecideResponseSchema, 'output') })
  decide(@Param('reviewId') reviewId: string, @Body() body: Record<string, unknown> | undefined) {
    return this.ask(resolutionQueueDecide, { ...(body ?? {}), reviewId });
  }

  @Post('resolution/merges/:mergeId/unmerge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Undo a merge: its records leave the entity, nothing else changes' })
  @ApiOkResponse({ schema: openApi(mergeViewSchema, 'output') })
  unmerge(@Param('mergeId') mergeId: string, @Body() body: Record<string, unknown> | undefined) {
    return this.ask(resolutionUnmerge, { ...(body ?? {}), mergeId });
  }

  @Get('resolution/entities/:entityId')
  @ApiOperation({ summary: 'The members of an entity and the merges that built it' })
  @ApiOkResponse({ schema: openApi(entityViewSchema, 'output') })
  @ApiResponse(READ_ERRORS.notFound)
  @ApiResponse(READ_ERRORS.purpose)
  @ApiResponse(READ_ERRORS.audit)
  entity(@Param('entityId') entityId: string) {
    return this.ask(resolutionEntityGet, { entityId });
  }
}
