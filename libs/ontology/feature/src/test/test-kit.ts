import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import type { NatsConnection } from 'nats';
import { Actor } from '@vigie/shared-auth';
import { ClassificationLevel } from '@vigie/shared-policy';
import { connectNats, EventPublisher } from '@vigie/shared-messaging';
import { mikroOrmOptions } from '@vigie/shared-persistence';
import { ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS, OntologyDatabase } from '@vigie/ontology-data-access';
import { IngestService } from '../lib/ingest/ingest.service';
import { ResolutionEngine } from '../lib/resolution/resolution-engine';
import { ResolutionService } from '../lib/resolution/resolution.service';
import { LinksService } from '../lib/services/links.service';
import { ObjectsService } from '../lib/services/objects.service';
import { OntologyTypesService } from '../lib/services/ontology-types.service';
import { OutboxPublisher } from '../lib/services/outbox-publisher.service';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: source .vigie/stack.env (npm test does) to run the integration specs against the local stack`);
  return value;
}

/** The ontology's services wired by hand on the real PostgreSQL (service schema, migrated) and NATS of the local stack. */
export interface OntologyKit {
  orm: MikroORM;
  nc: NatsConnection;
  db: OntologyDatabase;
  publisher: EventPublisher;
  outbox: OutboxPublisher;
  types: OntologyTypesService;
  engine: ResolutionEngine;
  objects: ObjectsService;
  links: LinksService;
  resolution: ResolutionService;
  ingest: IngestService;
  close(): Promise<void>;
}

export async function startKit(): Promise<OntologyKit> {
  const orm = await MikroORM.init(
    mikroOrmOptions({
      service: 'ontology',
      config: { DATABASE_URL: env('VIGIE_DB_URL_ONTOLOGY'), DATABASE_SCHEMA: 'ontology', DATABASE_POOL_MAX: 4 },
      entities: ONTOLOGY_ENTITIES,
      migrations: ONTOLOGY_MIGRATIONS,
    }),
  );
  const nc = await connectNats({ NATS_URL: env('NATS_URL'), NATS_USER: 'ontology', NATS_PASSWORD: env('VIGIE_NATS_PASSWORD_ONTOLOGY') }, 'ontology-integration-spec');
  const db = new OntologyDatabase(orm);
  const publisher = new EventPublisher(nc, 5000);
  const outbox = new OutboxPublisher(db, publisher);
  const types = new OntologyTypesService(db, outbox);
  const engine = new ResolutionEngine(db, outbox, types);
  return {
    orm,
    nc,
    db,
    publisher,
    outbox,
    types,
    engine,
    objects: new ObjectsService(db, types, outbox, engine),
    links: new LinksService(db, types, outbox),
    resolution: new ResolutionService(db, engine, outbox),
    ingest: new IngestService(db, types, outbox, engine),
    async close() {
      await nc.drain();
      await orm.close(true);
    },
  };
}

/** A fresh tenant name per test file, so that specs never see each other's data. */
export function tenantName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** An actor as the token verifier would build it. */
export function actorOf(tenant: string, clearance: ClassificationLevel, compartments: string[] = [], roles: string[] = ['vigie-analyst'], subject = `user-${clearance}-${compartments.join('+') || 'none'}`): Actor {
  return { tenant, subject, username: subject, roles, clearance, compartments, kind: 'user', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
}

export const PROVENANCE = { source: 'console' };
