import './instrument';
import { runNatsService } from '@vigie/shared-service';
import { auditService } from './app/audit.service-definition';

void runNatsService(auditService);
