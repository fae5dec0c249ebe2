import { Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { OntologyDatabase } from '@vigie/ontology-data-access';
import { LinksController } from './controllers/links.controller';
import { ObjectsController } from './controllers/objects.controller';
import { ResolutionController } from './controllers/resolution.controller';
import { TypesController } from './controllers/types.controller';
import { IngestConsumer } from './ingest/ingest.consumer';
import { IngestService } from './ingest/ingest.service';
import { ResolutionEngine } from './resolution/resolution-engine';
import { ResolutionService } from './resolution/resolution.service';
import { LinksService } from './services/links.service';
import { ObjectsService } from './services/objects.service';
import { OntologyTypesService } from './services/ontology-types.service';
import { OutboxPublisher } from './services/outbox-publisher.service';

export const ONTOLOGY_PROVIDERS = [
  { provide: OntologyDatabase, inject: [MikroORM], useFactory: (orm: MikroORM) => new OntologyDatabase(orm) },
  OutboxPublisher,
  OntologyTypesService,
  ResolutionEngine,
  ObjectsService,
  LinksService,
  ResolutionService,
  IngestService,
];

/**
 * The ontology service's features: request handlers for every `ontology.v1.*` contract and the
 * INGEST consumer. Needs the service's MikroORM, `MessagingModule` and `AuthModule` (global).
 */
@Module({
  controllers: [ObjectsController, LinksController, TypesController, ResolutionController],
  providers: [...ONTOLOGY_PROVIDERS, IngestConsumer],
  exports: [OntologyTypesService],
})
export class OntologyFeatureModule {}
