import './instrument';
import { runNatsService } from '@vigie/shared-service';
import { analyticsService } from './app/analytics.service-definition';

void runNatsService(analyticsService);
