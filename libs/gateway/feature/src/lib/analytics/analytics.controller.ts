import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  geoQuery,
  geoRequestSchema,
  geoResponseSchema,
  graphMetrics,
  graphNeighbourhood,
  graphPaths,
  graphSearchAround,
  metricsRequestSchema,
  metricsResponseSchema,
  neighbourhoodRequestSchema,
  pathsRequestSchema,
  pathsResponseSchema,
  searchAroundRequestSchema,
  searchAroundResponseSchema,
  searchQuery,
  searchRequestSchema,
  searchResponseSchema,
  subgraphResponseSchema,
  timelineQuery,
  timelineRequestSchema,
  timelineResponseSchema,
} from '@vigie/analytics-contracts';
import { RequestContract, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';

/** OpenAPI schema of a contract's body, derived from its zod schema (the contract stays the one source). */
function openApi(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return { type: 'object' };
  }
}

const PURPOSE_HEADER = {
  name: 'x-purpose',
  required: false,
  description: 'JSON {"caseRef","justification"}. Without it, data at or above the configured level (default S) is neither returned nor counted.',
};

/**
 * `/api/v1/search`, `/api/v1/graph/*`, `/api/v1/timeline`, `/api/v1/geo`: analytics queries,
 * forwarded over NATS with the caller's token and purpose. The body is validated against the
 * analytics contract before it leaves (400 naming the field); the analytics service re-verifies
 * the token, filters by tenant and markings inside its SQL and audits every query.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiHeader(PURPOSE_HEADER)
@Controller()
export class AnalyticsController {
  constructor(private readonly client: ServiceClient) {}

  private ask<C extends RequestContract>(contract: C, body: unknown): Promise<ResponseOf<C>> {
    return this.client.request(contract, (body ?? {}) as RequestOf<C>);
  }

  @Post('search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Full-text and fuzzy name search with filters, highlights, facets and cursor pagination' })
  @ApiBody({ schema: openApi(searchRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(searchResponseSchema, 'output') })
  search(@Body() body: unknown): Promise<ResponseOf<typeof searchQuery>> {
    return this.ask(searchQuery, body);
  }

  @Post('graph/neighbourhood')
  @HttpCode(200)
  @ApiOperation({ summary: 'Objects and links up to 3 hops from seeds; the size limit reports what was cut' })
  @ApiBody({ schema: openApi(neighbourhoodRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(subgraphResponseSchema, 'output') })
  neighbourhood(@Body() body: unknown): Promise<ResponseOf<typeof graphNeighbourhood>> {
    return this.ask(graphNeighbourhood, body);
  }

  @Post('graph/paths')
  @HttpCode(200)
  @ApiOperation({ summary: 'The k shortest paths between two objects, through what the caller may see' })
  @ApiBody({ schema: openApi(pathsRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(pathsResponseSchema, 'output') })
  paths(@Body() body: unknown): Promise<ResponseOf<typeof graphPaths>> {
    return this.ask(graphPaths, body);
  }

  @Post('graph/search-around')
  @HttpCode(200)
  @ApiOperation({ summary: 'Objects linked to a set of objects, by link type, object type and direction' })
  @ApiBody({ schema: openApi(searchAroundRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(searchAroundResponseSchema, 'output') })
  searchAround(@Body() body: unknown): Promise<ResponseOf<typeof graphSearchAround>> {
    return this.ask(graphSearchAround, body);
  }

  @Post('graph/metrics')
  @HttpCode(200)
  @ApiOperation({ summary: 'Degree, betweenness and Louvain communities over a subgraph' })
  @ApiBody({ schema: openApi(metricsRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(metricsResponseSchema, 'output') })
  metrics(@Body() body: unknown): Promise<ResponseOf<typeof graphMetrics>> {
    return this.ask(graphMetrics, body);
  }

  @Post('timeline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dated objects and links with a bucketed histogram' })
  @ApiBody({ schema: openApi(timelineRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(timelineResponseSchema, 'output') })
  timeline(@Body() body: unknown): Promise<ResponseOf<typeof timelineQuery>> {
    return this.ask(timelineQuery, body);
  }

  @Post('geo')
  @HttpCode(200)
  @ApiOperation({ summary: 'Objects within a radius or a box, clustered on a grid when many' })
  @ApiBody({ schema: openApi(geoRequestSchema, 'input') })
  @ApiOkResponse({ schema: openApi(geoResponseSchema, 'output') })
  geo(@Body() body: unknown): Promise<ResponseOf<typeof geoQuery>> {
    return this.ask(geoQuery, body);
  }
}
