import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import { objectIdSchema, objectTypeNameSchema, pageOf, pageRequestShape, timestampSchema } from './common.schema';

/** Why two records were judged alike or not: one feature, its weight (log-odds) and a readable detail. */
export const resolutionReasonSchema = z.object({
  feature: z.string(),
  weight: z.number(),
  detail: z.string(),
});
export type ResolutionReason = z.infer<typeof resolutionReasonSchema>;

/** A pair in the middle band, waiting for an analyst. */
export const reviewItemSchema = z.object({
  id: objectIdSchema,
  status: z.enum(['pending', 'merged', 'rejected']),
  objectType: objectTypeNameSchema,
  leftId: objectIdSchema,
  rightId: objectIdSchema,
  score: z.number().min(0).max(1),
  reasons: z.array(resolutionReasonSchema),
  createdAt: timestampSchema,
  decidedAt: timestampSchema.nullable(),
  decidedBy: z.string().nullable(),
  comment: z.string().nullable(),
});
export type ReviewItem = z.infer<typeof reviewItemSchema>;

/**
 * A merge: records linked to a canonical entity. Never destructive — member objects stay as
 * they are and `unmerge` removes the links.
 */
export const mergeViewSchema = z.object({
  id: objectIdSchema,
  entityId: objectIdSchema,
  memberIds: z.array(objectIdSchema).min(2),
  score: z.number().min(0).max(1),
  reasons: z.array(resolutionReasonSchema),
  /** `auto` above the merge threshold, else the subject of the analyst who decided. */
  decidedBy: z.string(),
  createdAt: timestampSchema,
  undoneAt: timestampSchema.nullable(),
  undoneBy: z.string().nullable(),
});
export type MergeView = z.infer<typeof mergeViewSchema>;

export const reviewListRequestSchema = z
  .object({
    status: z.enum(['pending', 'merged', 'rejected']).default('pending'),
    objectType: objectTypeNameSchema.optional(),
    /** Only the pairs this object is one side of. */
    objectId: objectIdSchema.optional(),
    minScore: z.number().min(0).max(1).optional(),
    ...pageRequestShape,
  })
  .strict();

export const reviewDecideRequestSchema = z
  .object({
    reviewId: objectIdSchema,
    decision: z.enum(['merge', 'reject']),
    comment: z.string().max(2000).optional(),
  })
  .strict();
export const reviewDecideResponseSchema = z.object({ review: reviewItemSchema, merge: mergeViewSchema.nullable() });

export const unmergeRequestSchema = z.object({ mergeId: objectIdSchema, comment: z.string().max(2000).optional() }).strict();

export const entityGetRequestSchema = z.object({ entityId: objectIdSchema }).strict();
export const entityViewSchema = z.object({
  entityId: objectIdSchema,
  objectType: objectTypeNameSchema,
  memberIds: z.array(objectIdSchema),
  merges: z.array(mergeViewSchema),
});

export const resolutionQueueList = defineRequest({
  subject: 'ontology.v1.resolution.queue.list',
  description: 'Pairs in the review band, best score first',
  request: reviewListRequestSchema,
  response: pageOf(reviewItemSchema),
});
export const resolutionQueueDecide = defineRequest({
  subject: 'ontology.v1.resolution.queue.decide',
  description: 'Merge or reject a pair from the review queue',
  request: reviewDecideRequestSchema,
  response: reviewDecideResponseSchema,
});
export const resolutionUnmerge = defineRequest({
  subject: 'ontology.v1.resolution.unmerge',
  description: 'Undo a merge: the member records leave the entity, nothing else changes',
  request: unmergeRequestSchema,
  response: mergeViewSchema,
});
export const resolutionEntityGet = defineRequest({
  subject: 'ontology.v1.resolution.entity.get',
  description: 'The members of an entity and the merges that built it',
  request: entityGetRequestSchema,
  response: entityViewSchema,
});
