import { defineRequest } from '@vigie/shared-contracts';
import { z } from 'zod';

/**
 * The STIX 2.1 ontology extension of a tenant (threat actors, malware, indicators… and one link
 * type per STIX relationship). Without it a STIX job quarantines those objects as
 * `UNKNOWN_TYPE`. Reading the state needs `vigie-ingest` or `vigie-admin`; applying it changes
 * the tenant's ontology, so it needs `vigie-admin` (the ontology service checks it again on the
 * forwarded token). Applying is idempotent and never removes or narrows anything.
 */
export const stixExtensionStateSchema = z.object({
  /** The tenant's ontology version after the request. */
  version: z.number().int().positive(),
  /** What the STIX mapping still lacks (empty: every STIX type the mapping writes exists). */
  missing: z.array(z.string()),
});

export const stixExtensionGet = defineRequest({
  subject: 'ingestion.v1.stix-extension.get',
  description: "What the tenant's ontology lacks for the STIX mapping",
  request: z.object({}).strict(),
  response: stixExtensionStateSchema,
});

export const stixExtensionApply = defineRequest({
  subject: 'ingestion.v1.stix-extension.apply',
  description: "Add the STIX extension's types (and the properties existing types lack) to the tenant's ontology; idempotent",
  request: z.object({}).strict(),
  response: stixExtensionStateSchema.extend({
    changes: z.array(z.object({ kind: z.enum(['object', 'link']), name: z.string(), created: z.boolean() })),
  }),
});
