import './instrument';
import { runNatsService } from '@vigie/shared-service';
import { identityService } from './app/identity.service-definition';

void runNatsService(identityService);
