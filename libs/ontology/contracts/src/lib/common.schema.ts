import { z } from 'zod';
import { markingSchema } from './marking.schema';
import { geoPointSchema, LINK_TYPE_NAME, OBJECT_TYPE_NAME, PROPERTY_NAME, propertyValueSchema } from './ontology-model.schema';
import { actorSchema, provenanceSchema, purposeSchema } from './provenance.schema';

export const objectIdSchema = z.uuid();
export const objectTypeNameSchema = z.string().regex(OBJECT_TYPE_NAME, 'object type name must be PascalCase');
export const linkTypeNameSchema = z.string().regex(LINK_TYPE_NAME, 'link type name must be snake_case');
export const propertyNameSchema = z.string().regex(PROPERTY_NAME, 'property name must be camelCase');

/** ISO 8601 timestamps with an offset (stored and returned in UTC). */
export const timestampSchema = z.iso.datetime({ offset: true });
/** A validity bound: a date (`2024-05-01`) or a timestamp. */
export const temporalBoundSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** Cursor pagination: an opaque `cursor` from the previous page, and a page size. */
export const pageRequestShape = {
  cursor: z.string().min(1).max(1000).optional(),
  limit: z.number().int().min(1).max(500).default(50),
};
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** The answer of a count: how many match among what the caller may see (nothing else is counted). */
export const countResponseSchema = z.object({ count: z.number().int().nonnegative() });
export type CountResponse = z.infer<typeof countResponseSchema>;

/** Per-property markings on a write: property name → marking (defaults: the property's default marking, else the object's). */
export const propertyMarkingsSchema = z.record(propertyNameSchema, markingSchema);

/** A property value as read: the value, its marking and where it came from. */
export const propertyEntrySchema = z.object({
  value: propertyValueSchema,
  marking: markingSchema,
  provenance: provenanceSchema,
});
export type PropertyEntry = z.infer<typeof propertyEntrySchema>;

/** A filter on a property in a list request; the comparison follows the property's kind. */
export const propertyFilterSchema = z.discriminatedUnion('op', [
  z.object({ property: propertyNameSchema, op: z.enum(['eq', 'neq', 'prefix', 'contains']), value: z.string().min(1) }),
  z.object({ property: propertyNameSchema, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.union([z.number(), z.string().min(1)]) }),
  z.object({ property: propertyNameSchema, op: z.literal('in'), value: z.array(z.string().min(1)).min(1).max(100) }),
  z.object({ property: propertyNameSchema, op: z.literal('exists'), value: z.boolean() }),
  z.object({ property: propertyNameSchema, op: z.literal('within'), value: z.object({ center: geoPointSchema, radiusMeters: z.number().positive().max(20_000_000) }) }),
]);
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

export const CHANGE_KINDS = ['created', 'updated', 'deleted', 'restored', 'merged', 'unmerged'] as const;
export const changeKindSchema = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof changeKindSchema>;

/** One version in the history of an object or a link: who, when, why, what. */
export const versionSummarySchema = z.object({
  version: z.number().int().positive(),
  change: changeKindSchema,
  at: timestampSchema,
  actor: actorSchema,
  purpose: purposeSchema.optional(),
  provenance: provenanceSchema,
  /** Names of properties whose value or marking changed in this version. */
  changedProperties: z.array(z.string()),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

/** One difference between two versions of an object or a link. */
export const versionChangeSchema = z.discriminatedUnion('target', [
  z.object({
    target: z.literal('property'),
    property: z.string(),
    kind: z.enum(['added', 'removed', 'modified']),
    before: propertyEntrySchema.optional(),
    after: propertyEntrySchema.optional(),
  }),
  z.object({ target: z.literal('markings'), before: markingSchema, after: markingSchema }),
  z.object({ target: z.literal('state'), before: z.enum(['active', 'deleted']), after: z.enum(['active', 'deleted']) }),
  z.object({
    target: z.literal('validity'),
    before: z.object({ validFrom: temporalBoundSchema.nullable(), validTo: temporalBoundSchema.nullable() }),
    after: z.object({ validFrom: temporalBoundSchema.nullable(), validTo: temporalBoundSchema.nullable() }),
  }),
]);
export type VersionChange = z.infer<typeof versionChangeSchema>;

export const historyRequestSchema = z.object({ id: objectIdSchema, ...pageRequestShape }).strict();
export const historyResponseSchema = pageOf(versionSummarySchema);
export const diffRequestSchema = z
  .object({ id: objectIdSchema, fromVersion: z.number().int().positive(), toVersion: z.number().int().positive() })
  .strict();
export const diffResponseSchema = z.object({
  id: objectIdSchema,
  fromVersion: z.number().int().positive(),
  toVersion: z.number().int().positive(),
  changes: z.array(versionChangeSchema),
});
export type DiffResponse = z.infer<typeof diffResponseSchema>;
