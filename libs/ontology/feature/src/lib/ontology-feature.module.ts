import { DynamicModule, Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AuditModule } from '@vigie/shared-audit-client';
import { ClassificationLevel } from '@vigie/shared-policy';
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
import { ONTOLOGY_READ_OPTIONS, OntologyReadGuard } from './services/read-guard.service';

export const ONTOLOGY_PROVIDERS = [
  { provide: OntologyDatabase, inject: [MikroORM], useFactory: (orm: MikroORM) => new OntologyDatabase(orm) },
  OutboxPublisher,
  OntologyTypesService,
  ResolutionEngine,
  ObjectsService,
  LinksService,
  ResolutionService,
  IngestService,
  OntologyReadGuard,
];

/** The configuration keys the feature reads (the app's config schema declares them). */
export interface OntologyFeatureConfig {
  PURPOSE_REQUIRED_FROM_LEVEL: ClassificationLevel;
}

/**
 * The ontology service's features: request handlers for every `ontology.v1.*` contract and the
 * INGEST consumer. Needs the service's MikroORM, `MessagingModule` and `AuthModule` (global);
 * records audit events through its own `AuditModule` (service "ontology").
 * `OntologyFeatureModule.register(config)` applies PURPOSE_REQUIRED_FROM_LEVEL; imported as is,
 * the default (S) applies.
 */
@Module({
  imports: [AuditModule.forRoot({ service: 'ontology' })],
  controllers: [ObjectsController, LinksController, TypesController, ResolutionController],
  providers: [...ONTOLOGY_PROVIDERS, IngestConsumer],
  exports: [OntologyTypesService],
})
export class OntologyFeatureModule {
  static register(config: OntologyFeatureConfig): DynamicModule {
    return {
      module: OntologyFeatureModule,
      providers: [{ provide: ONTOLOGY_READ_OPTIONS, useValue: { purposeRequiredFromLevel: config.PURPOSE_REQUIRED_FROM_LEVEL } }],
    };
  }
}
