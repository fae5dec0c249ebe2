import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import { objectIdSchema, objectTypeNameSchema } from '@vigie/ontology-contracts';
import { edgeSchema, graphFilterShape, objectSummarySchema } from './common.schema';

/** What a size limit cut: nodes and edges found but not returned. */
export const cutSchema = z.object({ nodes: z.number().int().nonnegative(), edges: z.number().int().nonnegative() });

export const neighbourhoodRequestSchema = z.strictObject({
  ids: z.array(objectIdSchema).min(1).max(100),
  hops: z.number().int().min(1).max(3).default(1),
  ...graphFilterShape,
  /** Most nodes returned (seeds included); the rest is reported in `cut`. */
  limit: z.number().int().min(1).max(5000).default(500),
});
export type NeighbourhoodRequest = z.infer<typeof neighbourhoodRequestSchema>;

export const graphNodeSchema = objectSummarySchema.extend({ depth: z.number().int().nonnegative() });
export type GraphNode = z.infer<typeof graphNodeSchema>;

export const subgraphResponseSchema = z.object({
  nodes: z.array(graphNodeSchema),
  edges: z.array(edgeSchema),
  truncated: z.boolean(),
  cut: cutSchema,
});
export type SubgraphResponse = z.infer<typeof subgraphResponseSchema>;

export const graphNeighbourhood = defineRequest({
  subject: 'analytics.v1.graph.neighbourhood',
  description: 'Objects and links up to 3 hops from seeds, filtered by link type, object type and time window, with a size limit reporting what was cut',
  request: neighbourhoodRequestSchema,
  response: subgraphResponseSchema,
});

export const pathsRequestSchema = z.strictObject({
  fromId: objectIdSchema,
  toId: objectIdSchema,
  /** How many shortest paths (loopless, shortest first). */
  k: z.number().int().min(1).max(10).default(1),
  maxHops: z.number().int().min(1).max(6).default(4),
  /** Follow directed links only from their start to their end. */
  respectDirection: z.boolean().default(false),
  linkTypes: graphFilterShape.linkTypes,
  window: graphFilterShape.window,
});
export type PathsRequest = z.infer<typeof pathsRequestSchema>;

export const pathSchema = z.object({
  nodeIds: z.array(objectIdSchema),
  edgeIds: z.array(objectIdSchema),
  length: z.number().int().nonnegative(),
});
export type GraphPath = z.infer<typeof pathSchema>;

export const pathsResponseSchema = z.object({
  paths: z.array(pathSchema),
  nodes: z.array(objectSummarySchema),
  edges: z.array(edgeSchema),
  /** The search space limit was reached: longer alternatives may be missing (the shortest path is exact). */
  truncated: z.boolean(),
});
export type PathsResponse = z.infer<typeof pathsResponseSchema>;

export const graphPaths = defineRequest({
  subject: 'analytics.v1.graph.paths',
  description: 'The k shortest paths between two objects through objects and links the caller may see',
  request: pathsRequestSchema,
  response: pathsResponseSchema,
});

export const searchAroundRequestSchema = z.strictObject({
  ids: z.array(objectIdSchema).min(1).max(500),
  direction: z.enum(['out', 'in', 'both']).default('both'),
  ...graphFilterShape,
  limit: z.number().int().min(1).max(5000).default(500),
});
export type SearchAroundRequest = z.infer<typeof searchAroundRequestSchema>;

export const searchAroundResponseSchema = z.object({
  /** The objects one link away from the set (not the seeds themselves). */
  nodes: z.array(objectSummarySchema.extend({ seedIds: z.array(objectIdSchema) })),
  edges: z.array(edgeSchema),
  /** Found neighbours per object type (before the limit). */
  countsByType: z.array(z.object({ type: objectTypeNameSchema, count: z.number().int().nonnegative() })),
  truncated: z.boolean(),
  cut: cutSchema,
});
export type SearchAroundResponse = z.infer<typeof searchAroundResponseSchema>;

export const graphSearchAround = defineRequest({
  subject: 'analytics.v1.graph.search-around',
  description: 'From a set of objects, the objects linked to it (by link type, object type, direction, time window)',
  request: searchAroundRequestSchema,
  response: searchAroundResponseSchema,
});

export const metricsRequestSchema = z.strictObject({
  ids: z.array(objectIdSchema).min(1).max(2000),
  /** 0: the subgraph induced by `ids`; 1–3: the neighbourhood of `ids` with that many hops. */
  hops: z.number().int().min(0).max(3).default(0),
  ...graphFilterShape,
  limit: z.number().int().min(1).max(2000).default(1000),
});
export type MetricsRequest = z.infer<typeof metricsRequestSchema>;

export const metricsResponseSchema = z.object({
  nodes: z.array(
    objectSummarySchema.extend({
      degree: z.number().int().nonnegative(),
      /** Normalised betweenness (Brandes, undirected): 0..1. */
      betweenness: z.number().min(0),
      community: z.number().int().nonnegative(),
    }),
  ),
  edgeCount: z.number().int().nonnegative(),
  communities: z.array(z.object({ id: z.number().int().nonnegative(), size: z.number().int().positive() })),
  modularity: z.number(),
  truncated: z.boolean(),
  cut: cutSchema,
});
export type MetricsResponse = z.infer<typeof metricsResponseSchema>;

export const graphMetrics = defineRequest({
  subject: 'analytics.v1.graph.metrics',
  description: 'Degree and betweenness centrality and Louvain communities over a subgraph the caller may see',
  request: metricsRequestSchema,
  response: metricsResponseSchema,
});
