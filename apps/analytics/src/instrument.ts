import { instrumentService } from '@vigie/shared-telemetry';

// Imported first by main.ts: telemetry starts before http and pg are loaded.
instrumentService('analytics');
