import { z } from 'zod';
import { geoPointSchema, linkTypeNameSchema, markingSchema, objectIdSchema, objectTypeNameSchema } from '@vigie/ontology-contracts';

/** An instant or a date bound of a range (`2024-05-01` is read as its start, UTC). */
export const instantSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** A closed time window; either end may be open. */
export const timeWindowSchema = z
  .strictObject({ from: instantSchema.optional(), to: instantSchema.optional() })
  .refine((w) => !w.from || !w.to || Date.parse(w.from) <= Date.parse(w.to), 'window "from" must not be after "to"');
export type TimeWindow = z.infer<typeof timeWindowSchema>;

/** A geographic box, WGS 84 degrees (no antimeridian crossing: split such a box in two). */
export const geoBoxSchema = z
  .strictObject({
    minLat: z.number().min(-90).max(90),
    minLon: z.number().min(-180).max(180),
    maxLat: z.number().min(-90).max(90),
    maxLon: z.number().min(-180).max(180),
  })
  .refine((b) => b.minLat <= b.maxLat && b.minLon <= b.maxLon, 'box min must not exceed max (minLat ≤ maxLat, minLon ≤ maxLon)');
export type GeoBox = z.infer<typeof geoBoxSchema>;

export const geoCircleSchema = z.strictObject({ center: geoPointSchema, radiusMeters: z.number().positive().max(20_000_000) });
export type GeoCircle = z.infer<typeof geoCircleSchema>;

/** An object as a graph node / result: the title only when the caller may see the title property. */
export const objectSummarySchema = z.object({
  id: objectIdSchema,
  type: objectTypeNameSchema,
  title: z.string().nullable(),
  markings: markingSchema,
});
export type ObjectSummary = z.infer<typeof objectSummarySchema>;

export const edgeSchema = z.object({
  id: objectIdSchema,
  type: linkTypeNameSchema,
  fromId: objectIdSchema,
  toId: objectIdSchema,
  directed: z.boolean(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  markings: markingSchema,
});
export type Edge = z.infer<typeof edgeSchema>;

/** Filters shared by graph expansions. */
export const graphFilterShape = {
  /** Only links of these types. */
  linkTypes: z.array(linkTypeNameSchema).min(1).max(50).optional(),
  /** Only neighbours of these types (the seeds are always kept). */
  objectTypes: z.array(objectTypeNameSchema).min(1).max(50).optional(),
  /** Only links whose validity interval meets this window (links without validity always match). */
  window: timeWindowSchema.optional(),
};
