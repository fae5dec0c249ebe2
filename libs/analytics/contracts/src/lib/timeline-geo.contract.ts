import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import { objectIdSchema, objectTypeNameSchema } from '@vigie/ontology-contracts';
import { geoBoxSchema, geoCircleSchema, instantSchema, objectSummarySchema } from './common.schema';

export const TIMELINE_BUCKETS = ['hour', 'day', 'week', 'month', 'year'] as const;

export const timelineRequestSchema = z
  .strictObject({
    /** The entities of interest: their own dates and those of the links touching them. Absent: every dated object. */
    ids: z.array(objectIdSchema).min(1).max(500).optional(),
    types: z.array(objectTypeNameSchema).min(1).max(50).optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    bucket: z.enum(TIMELINE_BUCKETS).default('day'),
    includeLinks: z.boolean().default(true),
    /** Most items listed (buckets always count everything visible). */
    limit: z.number().int().min(1).max(2000).default(200),
  })
  .refine((r) => !r.from || !r.to || Date.parse(r.from) <= Date.parse(r.to), '"from" must not be after "to"');
export type TimelineRequest = z.infer<typeof timelineRequestSchema>;

export const timelineItemSchema = z.object({
  kind: z.enum(['object', 'link']),
  id: objectIdSchema,
  type: z.string(),
  at: z.string(),
  /** Title of an object (when visible); for a link, null. */
  title: z.string().nullable(),
  fromId: objectIdSchema.nullable(),
  toId: objectIdSchema.nullable(),
});
export type TimelineItem = z.infer<typeof timelineItemSchema>;

export const timelineResponseSchema = z.object({
  bucket: z.enum(TIMELINE_BUCKETS),
  buckets: z.array(z.object({ start: z.string(), objects: z.number().int().nonnegative(), links: z.number().int().nonnegative() })),
  items: z.array(timelineItemSchema),
  total: z.number().int().nonnegative(),
  truncated: z.boolean(),
});
export type TimelineResponse = z.infer<typeof timelineResponseSchema>;

export const timelineQuery = defineRequest({
  subject: 'analytics.v1.timeline.query',
  description: 'Dated objects and links (of a set of entities, or all), with a bucketed histogram — filtered by markings',
  request: timelineRequestSchema,
  response: timelineResponseSchema,
});

export const geoRequestSchema = z
  .strictObject({
    box: geoBoxSchema.optional(),
    circle: geoCircleSchema.optional(),
    types: z.array(objectTypeNameSchema).min(1).max(50).optional(),
    /** Above this many points the answer is clustered on a grid instead of listing points. */
    clusterAbove: z.number().int().min(1).max(5000).default(500),
    /** Grid cells per side of the area when clustering. */
    grid: z.number().int().min(2).max(64).default(16),
  })
  .refine((r) => (r.box ? 1 : 0) + (r.circle ? 1 : 0) === 1, 'give exactly one of "box" or "circle"');
export type GeoRequest = z.infer<typeof geoRequestSchema>;

export const geoResponseSchema = z.object({
  total: z.number().int().nonnegative(),
  clustered: z.boolean(),
  points: z.array(objectSummarySchema.extend({ lat: z.number(), lon: z.number() })),
  clusters: z.array(
    z.object({ lat: z.number(), lon: z.number(), count: z.number().int().positive(), box: geoBoxSchema }),
  ),
});
export type GeoResponse = z.infer<typeof geoResponseSchema>;

export const geoQuery = defineRequest({
  subject: 'analytics.v1.geo.query',
  description: 'Objects within a radius or a box; clustered on a grid server-side when many — filtered by markings',
  request: geoRequestSchema,
  response: geoResponseSchema,
});

export const projectionStatusSchema = z.object({
  consumer: z.string(),
  /** Messages of the stream not yet applied (pending + unacknowledged). */
  lagMessages: z.number().int().nonnegative(),
  /** Stream sequence of the last acknowledged event. */
  ackFloor: z.number().int().nonnegative(),
  streamLastSeq: z.number().int().nonnegative(),
  /** When the last applied event happened at the source (null before the first). */
  lastEventAt: z.string().nullable(),
  /** Seconds between the last applied event and now when behind; 0 when caught up. */
  lagSeconds: z.number().nonnegative(),
  /**
   * Set while this replica's projector is held by an event subject its build does not know (a
   * newer ontology during a rolling upgrade): nothing at or after `seq` is applied until a replica
   * that knows the subject takes it — upgrade analytics (ADR 0015).
   */
  heldBy: z.object({ subject: z.string(), seq: z.number().int().nonnegative(), since: z.string() }).optional(),
});
export type ProjectionStatus = z.infer<typeof projectionStatusSchema>;

export const projectionStatus = defineRequest({
  subject: 'analytics.v1.projection.status',
  description: 'Lag of the projections behind the ONTOLOGY stream (no data, operational only)',
  request: z.strictObject({}),
  response: projectionStatusSchema,
});
