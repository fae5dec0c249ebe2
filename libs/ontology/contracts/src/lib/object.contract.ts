import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import {
  countResponseSchema,
  diffRequestSchema,
  diffResponseSchema,
  historyRequestSchema,
  historyResponseSchema,
  objectIdSchema,
  objectTypeNameSchema,
  pageOf,
  pageRequestShape,
  propertyEntrySchema,
  propertyFilterSchema,
  propertyMarkingsSchema,
  propertyNameSchema,
  timestampSchema,
} from './common.schema';
import { markingSchema } from './marking.schema';
import { propertyValuesSchema } from './ontology-model.schema';
import { provenanceSchema } from './provenance.schema';

/**
 * Objects over NATS. The tenant is never in a payload: it is the realm of the verified token.
 * The actor and the purpose come from the token and the `x-purpose` header.
 */

/** An object as a user may see it: properties marked above the user are omitted. */
export const objectViewSchema = z.object({
  id: objectIdSchema,
  type: objectTypeNameSchema,
  version: z.number().int().positive(),
  /** The value of the type's title property, if visible. */
  title: z.string().nullable(),
  markings: markingSchema,
  provenance: provenanceSchema,
  properties: z.record(propertyNameSchema, propertyEntrySchema),
  /** The canonical entity this object was resolved into, if merged. */
  entityId: objectIdSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  deletedAt: timestampSchema.nullable(),
});
export type ObjectView = z.infer<typeof objectViewSchema>;

export const createObjectRequestSchema = z
  .object({
    type: objectTypeNameSchema,
    properties: propertyValuesSchema,
    markings: markingSchema,
    propertyMarkings: propertyMarkingsSchema.optional(),
    provenance: provenanceSchema,
  })
  .strict();
export type CreateObjectRequest = z.infer<typeof createObjectRequestSchema>;

export const updateObjectRequestSchema = z
  .object({
    id: objectIdSchema,
    /** Optimistic concurrency: the version the writer read. */
    expectedVersion: z.number().int().positive(),
    /** Properties to set; `null` unsets one. Properties not named are left as they are. */
    set: propertyValuesSchema.default({}),
    markings: markingSchema.optional(),
    propertyMarkings: propertyMarkingsSchema.optional(),
    provenance: provenanceSchema,
  })
  .strict();
export type UpdateObjectRequest = z.infer<typeof updateObjectRequestSchema>;

export const getObjectRequestSchema = z
  .object({ id: objectIdSchema, version: z.number().int().positive().optional() })
  .strict();

export const listObjectsRequestSchema = z
  .object({
    type: objectTypeNameSchema.optional(),
    filters: z.array(propertyFilterSchema).max(20).default([]),
    includeDeleted: z.boolean().default(false),
    updatedSince: timestampSchema.optional(),
    ...pageRequestShape,
  })
  .strict();
export type ListObjectsRequest = z.infer<typeof listObjectsRequestSchema>;

/**
 * A listing page. One request reads a bounded number of objects (of the type, that the caller may
 * see, in list order: 20,000 with one property filter or none, 20,000 ÷ n with n filters, so 1,000
 * with twenty) and tests the property filters on those only, so a filter that matches rarely in a
 * large tenant answers quickly instead of reading the whole tenant: the page is then `partial` — it holds every match among the objects read
 * (possibly none) and `nextCursor` continues after the last object read. Follow `nextCursor` until
 * it is null to see every match; with a partial page a non-null cursor may lead to an empty page.
 */
export const objectListPageSchema = pageOf(objectViewSchema).extend({
  /** True when the scan stopped at its bound before the page was full; `nextCursor` then continues the scan. */
  partial: z.boolean(),
});
export type ObjectListPage = z.infer<typeof objectListPageSchema>;

/** A count takes the list's filters (no cursor, no page size). */
export const countObjectsRequestSchema = listObjectsRequestSchema.omit({ cursor: true, limit: true }).strict();
export type CountObjectsRequest = z.infer<typeof countObjectsRequestSchema>;

/**
 * A count. Without property filters it is the exact number of objects the caller may see (of the
 * type, `updatedSince`, …). With property filters it is read by the same bounded scan as a listing
 * page (20,000 objects with one filter, 20,000 ÷ n with n, in list order, markings inside the query)
 * so it answers in about a second on any tenant: `exact: false` means the scan stopped at its bound
 * and `count` is a lower bound ("at least"), the matches among the objects read; narrow by `type`
 * or `updatedSince` for an exact count.
 */
export const objectCountResponseSchema = countResponseSchema.extend({
  /** False when the scan stopped at its bound: `count` is then "at least" (the matches among the objects read). */
  exact: z.boolean(),
});
export type ObjectCountResponse = z.infer<typeof objectCountResponseSchema>;

export const deleteObjectRequestSchema = z
  .object({ id: objectIdSchema, expectedVersion: z.number().int().positive().optional(), reason: z.string().max(2000).optional() })
  .strict();
export const restoreObjectRequestSchema = deleteObjectRequestSchema;

export const objectCreate = defineRequest({
  subject: 'ontology.v1.object.create',
  description: 'Create an object of a type; properties are validated and identifiers normalised',
  request: createObjectRequestSchema,
  response: objectViewSchema,
});
export const objectUpdate = defineRequest({
  subject: 'ontology.v1.object.update',
  description: 'Set or unset properties and markings of an object; a new version is recorded',
  request: updateObjectRequestSchema,
  response: objectViewSchema,
});
export const objectGet = defineRequest({
  subject: 'ontology.v1.object.get',
  description: 'Read an object (optionally at a past version), filtered by the caller\'s markings',
  request: getObjectRequestSchema,
  response: objectViewSchema,
});
export const objectList = defineRequest({
  subject: 'ontology.v1.object.list',
  description:
    'List objects by type and property filters, cursor-paginated, filtered by markings in the query; each request reads a bounded number of objects (a rare filter answers a partial page with a cursor to continue)',
  request: listObjectsRequestSchema,
  response: objectListPageSchema,
});
export const objectCount = defineRequest({
  subject: 'ontology.v1.object.count',
  description:
    'Count the objects matching the list filters that the caller may see (markings applied in the query); with property filters the count reads a bounded number of objects and answers exact: false ("at least") beyond it',
  request: countObjectsRequestSchema,
  response: objectCountResponseSchema,
});
export const objectDelete = defineRequest({
  subject: 'ontology.v1.object.delete',
  description: 'Soft-delete an object (and hide its links); a version is recorded, nothing is erased',
  request: deleteObjectRequestSchema,
  response: objectViewSchema,
});
export const objectRestore = defineRequest({
  subject: 'ontology.v1.object.restore',
  description: 'Restore a soft-deleted object',
  request: restoreObjectRequestSchema,
  response: objectViewSchema,
});
export const objectHistory = defineRequest({
  subject: 'ontology.v1.object.history',
  description: 'The versions of an object, newest first: who, when, purpose, which properties changed',
  request: historyRequestSchema,
  response: historyResponseSchema,
});
export const objectDiff = defineRequest({
  subject: 'ontology.v1.object.diff',
  description: 'Compare two versions of an object',
  request: diffRequestSchema,
  response: diffResponseSchema,
});
