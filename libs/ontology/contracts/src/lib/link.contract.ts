import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import {
  countResponseSchema,
  diffRequestSchema,
  diffResponseSchema,
  historyRequestSchema,
  historyResponseSchema,
  linkTypeNameSchema,
  objectIdSchema,
  pageOf,
  pageRequestShape,
  propertyEntrySchema,
  propertyFilterSchema,
  propertyMarkingsSchema,
  propertyNameSchema,
  temporalBoundSchema,
  timestampSchema,
} from './common.schema';
import { markingSchema } from './marking.schema';
import { propertyValuesSchema } from './ontology-model.schema';
import { provenanceSchema } from './provenance.schema';

/** A link as a user may see it. A link is visible only if both of its ends are. */
export const linkViewSchema = z.object({
  id: objectIdSchema,
  type: linkTypeNameSchema,
  fromId: objectIdSchema,
  toId: objectIdSchema,
  directed: z.boolean(),
  version: z.number().int().positive(),
  markings: markingSchema,
  provenance: provenanceSchema,
  properties: z.record(propertyNameSchema, propertyEntrySchema),
  validFrom: temporalBoundSchema.nullable(),
  validTo: temporalBoundSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  deletedAt: timestampSchema.nullable(),
});
export type LinkView = z.infer<typeof linkViewSchema>;

export const createLinkRequestSchema = z
  .object({
    type: linkTypeNameSchema,
    fromId: objectIdSchema,
    toId: objectIdSchema,
    properties: propertyValuesSchema.default({}),
    markings: markingSchema,
    propertyMarkings: propertyMarkingsSchema.optional(),
    provenance: provenanceSchema,
    validFrom: temporalBoundSchema.optional(),
    validTo: temporalBoundSchema.optional(),
  })
  .strict();
export type CreateLinkRequest = z.infer<typeof createLinkRequestSchema>;

export const updateLinkRequestSchema = z
  .object({
    id: objectIdSchema,
    expectedVersion: z.number().int().positive(),
    set: propertyValuesSchema.default({}),
    markings: markingSchema.optional(),
    propertyMarkings: propertyMarkingsSchema.optional(),
    provenance: provenanceSchema,
    /** `null` clears a bound; absent leaves it. */
    validFrom: temporalBoundSchema.nullable().optional(),
    validTo: temporalBoundSchema.nullable().optional(),
  })
  .strict();
export type UpdateLinkRequest = z.infer<typeof updateLinkRequestSchema>;

export const getLinkRequestSchema = z.object({ id: objectIdSchema, version: z.number().int().positive().optional() }).strict();

export const listLinksRequestSchema = z
  .object({
    type: linkTypeNameSchema.optional(),
    /** Links touching this object; `direction` says which end. */
    objectId: objectIdSchema.optional(),
    direction: z.enum(['out', 'in', 'both']).default('both'),
    filters: z.array(propertyFilterSchema).max(20).default([]),
    /** Only links valid at this instant (links without validity always match). */
    validAt: temporalBoundSchema.optional(),
    includeDeleted: z.boolean().default(false),
    ...pageRequestShape,
  })
  .strict();
export type ListLinksRequest = z.infer<typeof listLinksRequestSchema>;

/**
 * A listing page of links, read like objects' (`objectListPageSchema`): one request reads a bounded
 * number of links the caller may see (20,000 with one property filter or none, 20,000 ÷ n with n),
 * and tests `validAt` and the property filters on those only; `partial` when the bound was reached
 * before the page was full — every match among the links read, `nextCursor` continuing after them.
 */
export const linkListPageSchema = pageOf(linkViewSchema).extend({
  /** True when the scan stopped at its bound before the page was full; `nextCursor` then continues the scan. */
  partial: z.boolean(),
});
export type LinkListPage = z.infer<typeof linkListPageSchema>;

/** A count takes the list's filters (no cursor, no page size). */
export const countLinksRequestSchema = listLinksRequestSchema.omit({ cursor: true, limit: true }).strict();
export type CountLinksRequest = z.infer<typeof countLinksRequestSchema>;

/**
 * A count of links. Without property filters or `validAt` it is exact; with them it reads the same
 * bounded number of links as a listing request: `exact: false` means `count` is a lower bound.
 */
export const linkCountResponseSchema = countResponseSchema.extend({
  /** False when the scan stopped at its bound: `count` is then "at least" (the matches among the links read). */
  exact: z.boolean(),
});
export type LinkCountResponse = z.infer<typeof linkCountResponseSchema>;

export const deleteLinkRequestSchema = z
  .object({ id: objectIdSchema, expectedVersion: z.number().int().positive().optional(), reason: z.string().max(2000).optional() })
  .strict();

export const linkCreate = defineRequest({
  subject: 'ontology.v1.link.create',
  description: 'Create a link between two objects; ends are checked against the link type',
  request: createLinkRequestSchema,
  response: linkViewSchema,
});
export const linkUpdate = defineRequest({
  subject: 'ontology.v1.link.update',
  description: 'Set properties, markings or validity of a link; a new version is recorded',
  request: updateLinkRequestSchema,
  response: linkViewSchema,
});
export const linkGet = defineRequest({
  subject: 'ontology.v1.link.get',
  description: 'Read a link (optionally at a past version)',
  request: getLinkRequestSchema,
  response: linkViewSchema,
});
export const linkList = defineRequest({
  subject: 'ontology.v1.link.list',
  description:
    'List links by type, end object, validity and property filters, cursor-paginated, filtered by markings in the query; each request reads a bounded number of links (a rare filter answers a partial page with a cursor to continue)',
  request: listLinksRequestSchema,
  response: linkListPageSchema,
});
export const linkCount = defineRequest({
  subject: 'ontology.v1.link.count',
  description:
    'Count the links matching the list filters that the caller may see (both ends visible, markings applied in the query); with validAt or property filters the count reads a bounded number of links and answers exact: false ("at least") beyond it',
  request: countLinksRequestSchema,
  response: linkCountResponseSchema,
});
export const linkDelete = defineRequest({
  subject: 'ontology.v1.link.delete',
  description: 'Soft-delete a link',
  request: deleteLinkRequestSchema,
  response: linkViewSchema,
});
export const linkRestore = defineRequest({
  subject: 'ontology.v1.link.restore',
  description: 'Restore a soft-deleted link',
  request: deleteLinkRequestSchema,
  response: linkViewSchema,
});
export const linkHistory = defineRequest({
  subject: 'ontology.v1.link.history',
  description: 'The versions of a link, newest first',
  request: historyRequestSchema,
  response: historyResponseSchema,
});
export const linkDiff = defineRequest({
  subject: 'ontology.v1.link.diff',
  description: 'Compare two versions of a link',
  request: diffRequestSchema,
  response: diffResponseSchema,
});
