import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';

/** `/api/v1/search`, `/api/v1/graph/*`, `/api/v1/timeline`, `/api/v1/geo`: forwarded to analytics. */
@Module({ controllers: [AnalyticsController] })
export class AnalyticsGatewayModule {}
