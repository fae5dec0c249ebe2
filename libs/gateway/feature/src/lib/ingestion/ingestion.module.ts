import { Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { NATS_CONNECTION } from '@vigie/shared-messaging';
import { INGESTION_GATEWAY_CONFIG, IngestionGatewayConfig, loadIngestionGatewayConfig } from './ingestion-gateway.config';
import { IngestionController } from './ingestion.controller';
import { IngestUploadStore } from './ingestion-upload.store';
import { UploadSessionsController } from './upload-sessions.controller';
import { UploadSessionStore } from './upload-sessions.store';

/** `/api/v1/ingest/*`: streamed uploads into the object store, resumable upload sessions, jobs, progress (SSE), quarantine reports. */
@Module({
  controllers: [UploadSessionsController, IngestionController],
  providers: [
    { provide: INGESTION_GATEWAY_CONFIG, useFactory: () => loadIngestionGatewayConfig() },
    { provide: IngestUploadStore, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new IngestUploadStore(nc) },
    {
      provide: UploadSessionStore,
      inject: [NATS_CONNECTION, IngestUploadStore, INGESTION_GATEWAY_CONFIG],
      useFactory: (nc: NatsConnection, uploads: IngestUploadStore, config: IngestionGatewayConfig) => new UploadSessionStore(nc, uploads, config.INGEST_UPLOAD_SESSION_TTL, config.INGEST_UPLOAD_COMPLETE_LEASE),
    },
  ],
})
export class IngestionGatewayModule {}
