import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';
import { linkTypeNameSchema, objectTypeNameSchema, timestampSchema } from './common.schema';
import { linkTypeSchema, objectTypeSchema, ontologyDocumentSchema } from './ontology-model.schema';

/**
 * Type administration (role `vigie-admin`). Every accepted change bumps the tenant's ontology
 * version; a change that would invalidate stored data is refused with
 * `ONTOLOGY_BREAKING_TYPE_CHANGE` and `details.problems` naming each problem.
 */

export const typeListRequestSchema = z.object({}).strict();
export const typeListResponseSchema = z.object({ document: ontologyDocumentSchema, updatedAt: timestampSchema });

export const typeGetRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('object'), name: objectTypeNameSchema }).strict(),
  z.object({ kind: z.literal('link'), name: linkTypeNameSchema }).strict(),
]);
export const typeGetResponseSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('object'), version: z.number().int().positive(), type: objectTypeSchema }),
  z.object({ kind: z.literal('link'), version: z.number().int().positive(), type: linkTypeSchema }),
]);

export const typeUpsertRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('object'),
    /** The ontology version the administrator edited; a concurrent change is refused. */
    expectedVersion: z.number().int().positive(),
    type: objectTypeSchema,
  }).strict(),
  z.object({
    kind: z.literal('link'),
    expectedVersion: z.number().int().positive(),
    type: linkTypeSchema,
  }).strict(),
]);
export type TypeUpsertRequest = z.infer<typeof typeUpsertRequestSchema>;
export const typeUpsertResponseSchema = z.object({
  version: z.number().int().positive(),
  kind: z.enum(['object', 'link']),
  name: z.string(),
  created: z.boolean(),
});

export const typeList = defineRequest({
  subject: 'ontology.v1.type.list',
  description: "The tenant's ontology document at its current version",
  request: typeListRequestSchema,
  response: typeListResponseSchema,
});
export const typeGet = defineRequest({
  subject: 'ontology.v1.type.get',
  description: 'One object or link type',
  request: typeGetRequestSchema,
  response: typeGetResponseSchema,
});
export const typeUpsert = defineRequest({
  subject: 'ontology.v1.type.upsert',
  description: 'Add or extend an object or link type; breaking changes are refused, naming the data they would invalidate',
  request: typeUpsertRequestSchema,
  response: typeUpsertResponseSchema,
});
