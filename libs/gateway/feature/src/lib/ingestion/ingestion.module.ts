import { Module } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { NATS_CONNECTION } from '@vigie/shared-messaging';
import { INGESTION_GATEWAY_CONFIG, loadIngestionGatewayConfig } from './ingestion-gateway.config';
import { IngestionController } from './ingestion.controller';
import { IngestUploadStore } from './ingestion-upload.store';

/** `/api/v1/ingest/*`: streamed uploads into the object store, jobs, progress (SSE), quarantine reports. */
@Module({
  controllers: [IngestionController],
  providers: [
    { provide: INGESTION_GATEWAY_CONFIG, useFactory: () => loadIngestionGatewayConfig() },
    { provide: IngestUploadStore, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new IngestUploadStore(nc) },
  ],
})
export class IngestionGatewayModule {}
