import './instrument';
import { runGateway } from '@vigie/gateway-feature';

void runGateway();
