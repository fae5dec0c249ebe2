import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import { geoPointSchema, markingSchema, objectIdSchema, objectTypeNameSchema, propertyNameSchema } from '@vigie/ontology-contracts';
import { geoBoxSchema, timeWindowSchema } from './common.schema';

/** A filter on a property value; compared as text (eq, prefix, contains, in) or as number/date (gt…lte). */
export const searchPropertyFilterSchema = z.discriminatedUnion('op', [
  z.strictObject({ property: propertyNameSchema, op: z.enum(['eq', 'neq', 'prefix', 'contains']), value: z.string().min(1).max(500) }),
  z.strictObject({ property: propertyNameSchema, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.union([z.number(), z.string().min(1).max(100)]) }),
  z.strictObject({ property: propertyNameSchema, op: z.literal('in'), value: z.array(z.string().min(1).max(500)).min(1).max(100) }),
  z.strictObject({ property: propertyNameSchema, op: z.literal('exists'), value: z.boolean() }),
]);
export type SearchPropertyFilter = z.infer<typeof searchPropertyFilterSchema>;

/** Matches counted exactly (and ranked) per search; beyond, `totalExact` is false. */
export const SEARCH_TOTAL_BOUND = 1000;

export const searchRequestSchema = z.strictObject({
  /** Free text: words (French/English stemming, accents and case ignored) and names (typos, scripts, token order). Empty: filters only. */
  q: z.string().trim().max(500).default(''),
  /** Fuzzy name matching (typos, transliterations); `false` for full text only. */
  fuzzy: z.boolean().default(true),
  types: z.array(objectTypeNameSchema).min(1).max(50).optional(),
  filters: z.array(searchPropertyFilterSchema).max(20).default([]),
  /** Objects whose time property falls in this window. */
  dateRange: timeWindowSchema.optional(),
  /** Objects whose geo property falls in this box. */
  geoBox: geoBoxSchema.optional(),
  /** Properties to facet on (counts per value); the per-type facet is always returned. */
  facets: z.array(propertyNameSchema).max(10).default([]),
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.number().int().min(1).max(200).default(20),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;
export type SearchRequestInput = z.input<typeof searchRequestSchema>;

export const highlightSchema = z.object({
  property: z.string(),
  /** The property's text with matching words wrapped in `<mark>`…`</mark>` (the rest HTML-escaped). */
  fragment: z.string(),
});

export const searchHitSchema = z.object({
  id: objectIdSchema,
  type: objectTypeNameSchema,
  title: z.string().nullable(),
  score: z.number(),
  markings: markingSchema,
  highlights: z.array(highlightSchema),
  time: z.string().nullable(),
  geo: geoPointSchema.nullable(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const facetBucketSchema = z.object({ value: z.string(), count: z.number().int().nonnegative() });
export type FacetBucket = z.infer<typeof facetBucketSchema>;

export const searchResponseSchema = z.object({
  items: z.array(searchHitSchema),
  nextCursor: z.string().nullable(),
  /**
   * Matching objects the caller may see (all pages), counted exactly up to SEARCH_TOTAL_BOUND
   * (1,000); beyond it the count stops: `totalExact` is false and `total` is a lower bound (show
   * "1000+"). The facets are counted over the same bounded set.
   */
  total: z.number().int().nonnegative(),
  /** False when the count (and the facets) stopped at the bound; absent only in older answers (exact). */
  totalExact: z.boolean().optional(),
  facets: z.object({
    types: z.array(facetBucketSchema),
    properties: z.record(z.string(), z.array(facetBucketSchema)),
  }),
});
export type SearchResponse = z.infer<typeof searchResponseSchema>;

export const searchQuery = defineRequest({
  subject: 'analytics.v1.search.query',
  description: 'Full-text and fuzzy name search with filters, ranked hits with highlights, cursor pagination and facets — all filtered by markings',
  request: searchRequestSchema,
  response: searchResponseSchema,
});
