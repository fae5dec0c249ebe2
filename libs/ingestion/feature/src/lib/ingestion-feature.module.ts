import { DynamicModule, Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { NatsConnection } from 'nats';
import { IngestionDatabase, JobRepository, MappingRepository } from '@vigie/ingestion-data-access';
import { NATS_CONNECTION } from '@vigie/shared-messaging';
import { BatchOutcomeConsumer } from './consumers/batch-outcome.consumer';
import { IngestDeadLetterConsumer } from './consumers/ingest-dead-letter.consumer';
import { JobsController } from './controllers/jobs.controller';
import { MappingsController } from './controllers/mappings.controller';
import { INGESTION_FEATURE_CONFIG, IngestionFeatureConfig } from './ingestion-feature.config';
import { JobsService } from './jobs.service';
import { OntologyMappingService } from './mapping/ontology-mapping.service';
import { StixExtensionService } from './mapping/stix-extension.service';
import { StoredMappingsService } from './mapping/stored-mappings.service';
import { BatchSignal } from './runner/batch-signal';
import { JobSchedulerService } from './runner/job-scheduler.service';
import { UploadObjectStore } from './store/upload-object-store';

/**
 * The ingestion service's features: `ingestion.v1.*` handlers, the job runner (object store →
 * parser → mapping → INGEST, checkpointed, resumable) and the consumer of the ontology's
 * `batch.processed` events. Needs the service's MikroORM, `MessagingModule`, `AuthModule` and
 * `AuditModule` (global).
 */
@Module({})
export class IngestionFeatureModule {
  static register(config: IngestionFeatureConfig): DynamicModule {
    return {
      module: IngestionFeatureModule,
      controllers: [JobsController, MappingsController],
      providers: [
        { provide: INGESTION_FEATURE_CONFIG, useValue: config },
        { provide: IngestionDatabase, inject: [MikroORM], useFactory: (orm: MikroORM) => new IngestionDatabase(orm) },
        JobRepository,
        MappingRepository,
        { provide: UploadObjectStore, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new UploadObjectStore(nc, config.INGESTION_BUCKET) },
        OntologyMappingService,
        StoredMappingsService,
        StixExtensionService,
        BatchSignal,
        JobSchedulerService,
        JobsService,
        BatchOutcomeConsumer,
        IngestDeadLetterConsumer,
      ],
      exports: [JobsService, JobSchedulerService],
    };
  }
}
