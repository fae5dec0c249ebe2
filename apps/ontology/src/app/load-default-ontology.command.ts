import { MikroORM } from '@mikro-orm/postgresql';
import { OntologyDatabase, OntologyDocumentRepository, ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS } from '@vigie/ontology-data-access';
import { loadDefaultOntology } from '@vigie/ontology-domain';
import { mikroOrmOptions } from '@vigie/shared-persistence';
import { Logger } from '@vigie/shared-telemetry';
import { OntologyConfig } from './ontology.config';

/**
 * `node dist/apps/ontology/main.js load-default-ontology [tenant…]`: gives each named tenant (and
 * those of ONTOLOGY_DEFAULT_TENANTS) the default ontology as its version 1, if it has none. Any
 * other tenant gets it lazily on first use (ADR 0009), so the command is optional and idempotent.
 */
export async function loadDefaultOntologyCommand(config: OntologyConfig, logger: Logger, argv: string[] = process.argv.slice(3)): Promise<void> {
  const tenants = [...new Set([...argv, ...config.ONTOLOGY_DEFAULT_TENANTS.split(',')].map((t) => t.trim()).filter(Boolean))];
  const document = loadDefaultOntology();
  const orm = await MikroORM.init(mikroOrmOptions({ service: 'ontology', config, entities: ONTOLOGY_ENTITIES, migrations: ONTOLOGY_MIGRATIONS }));
  try {
    const db = new OntologyDatabase(orm);
    const repo = new OntologyDocumentRepository();
    const created: string[] = [];
    for (const tenant of tenants) {
      const added = await db.transaction(async (sql) =>
        (await repo.currentVersion(sql, tenant)) === undefined
          ? repo.append(sql, tenant, document, { subject: 'vigie-ontology', username: 'vigie-ontology', kind: 'service' }, undefined, { kind: 'default' })
          : false,
      );
      if (added) created.push(tenant);
    }
    const known = await db.read((sql) => repo.tenants(sql));
    logger.info(
      { created, alreadyHadOne: tenants.filter((t) => !created.includes(t)), tenantsWithAnOntology: known.length, defaultTypes: document.objectTypes.length + document.linkTypes.length },
      tenants.length ? 'default ontology loaded' : 'no tenant named: every tenant gets the default ontology on first use',
    );
  } finally {
    await orm.close(true);
  }
}
