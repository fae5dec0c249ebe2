import { randomUUID } from 'node:crypto';
import { launcher } from '@vigie/shared-testing';
import { AnalyticsDb } from '../lib/db/analytics-db';
import { ProjectionWriter } from '../lib/projection/projection.writer';
import type { LinkView, ObjectView, OntologyDocument } from '@vigie/ontology-contracts';

/** The analytics schema of the local stack (migrated by `npm test`), with a fresh tenant per suite. */
export function testDb(): AnalyticsDb {
  const url = process.env['VIGIE_DB_URL_ANALYTICS'] ?? launcher.loadStackEnv()['VIGIE_DB_URL_ANALYTICS'];
  if (!url) throw new Error('VIGIE_DB_URL_ANALYTICS is not set and .vigie/stack.env has none: start the stack (npm run stack:up)');
  return new AnalyticsDb({ url, schema: 'analytics', max: 4, applicationName: 'analytics-it' });
}

export const freshTenant = (label: string) => `it-${label}-${randomUUID().slice(0, 8)}`;

export async function project(db: AnalyticsDb, tenant: string, objects: ObjectView[], links: LinkView[] = [], ontology?: OntologyDocument): Promise<void> {
  const writer = new ProjectionWriter();
  await db.transaction(async (tx) => {
    if (ontology) await writer.applyTypes(tx, tenant, ontology);
    for (const o of objects) await writer.applyObject(tx, tenant, o, o.updatedAt);
    for (const l of links) await writer.applyLink(tx, tenant, l, l.updatedAt);
  });
}

export async function dropTenant(db: AnalyticsDb, tenant: string): Promise<void> {
  for (const table of ['doc', 'link', 'object', 'tenant_ontology', 'name_token']) await db.query(`DELETE FROM ${table} WHERE tenant = $1`, [tenant]);
}
