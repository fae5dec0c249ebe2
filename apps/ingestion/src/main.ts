import './instrument';
import { runNatsService } from '@vigie/shared-service';
import { ingestionService } from './app/ingestion.service-definition';

void runNatsService(ingestionService);
