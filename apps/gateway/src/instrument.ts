import { instrumentService } from '@vigie/shared-telemetry';

// Imported first by main.ts: telemetry starts before http is loaded.
instrumentService('gateway');
