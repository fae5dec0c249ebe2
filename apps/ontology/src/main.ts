import './instrument';
import { runNatsService } from '@vigie/shared-service';
import { ontologyService } from './app/ontology.service-definition';

void runNatsService(ontologyService);
