import { defineRequest } from '@vigie/shared-contracts';
import { markingSchema } from '@vigie/ontology-contracts';
import { z } from 'zod';

/**
 * Stored mappings: saved per tenant (role `vigie-ingest`), validated against the tenant's ontology
 * when saved, referenced by id at upload (`mappingId`). A stored mapping is never changed in
 * place: a job names the exact text it ran with; save a new one (another name) to change it.
 */
export const mappingNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:-]*$/u, 'a mapping name is letters, digits, spaces and . _ : - (starting with a letter or digit)');

/** A stored mapping; `text` only when asked for one mapping (`get`). */
export const storedMappingSchema = z.object({
  id: z.uuid(),
  name: mappingNameSchema,
  description: z.string().max(2000).nullable(),
  /** The markings jobs get by default from this mapping. */
  markings: markingSchema,
  objects: z.array(z.object({ alias: z.string(), type: z.string(), optional: z.boolean() })),
  links: z.array(z.object({ type: z.string(), from: z.string(), to: z.string() })),
  /** The source fields the mapping reads. */
  fields: z.array(z.string()),
  sha256: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  text: z.string().optional(),
});
export type StoredMapping = z.infer<typeof storedMappingSchema>;

export const mappingCreateRequestSchema = z
  .object({
    name: mappingNameSchema,
    description: z.string().max(2000).optional(),
    /** YAML or JSON. */
    mapping: z.string().min(1).max(1_000_000),
    /** The source's columns (a CSV header), to check the fields the mapping reads. */
    columns: z.array(z.string()).max(10_000).optional(),
  })
  .strict();
export type MappingCreateRequest = z.infer<typeof mappingCreateRequestSchema>;

export const mappingCreate = defineRequest({
  subject: 'ingestion.v1.mapping.create',
  description: "Save a mapping for the tenant once it fits the tenant's ontology (errors name the path and the line); names are unique per tenant",
  request: mappingCreateRequestSchema,
  response: storedMappingSchema,
});

export const mappingGet = defineRequest({
  subject: 'ingestion.v1.mapping.get',
  description: 'One stored mapping with its text',
  request: z.object({ id: z.uuid() }).strict(),
  response: storedMappingSchema,
});

export const mappingList = defineRequest({
  subject: 'ingestion.v1.mapping.list',
  description: "The tenant's stored mappings, by name",
  request: z
    .object({
      /** Only mappings whose name starts with this. */
      prefix: z.string().min(1).max(200).optional(),
      cursor: z.string().min(1).max(1000).optional(),
      limit: z.number().int().min(1).max(500).default(50),
    })
    .strict(),
  response: z.object({ items: z.array(storedMappingSchema), nextCursor: z.string().nullable() }),
});
