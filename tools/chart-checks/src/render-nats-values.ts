import { writeFileSync } from 'node:fs';
import { natsValuesPath, renderNatsValues } from './lib/nats-values';

writeFileSync(natsValuesPath, renderNatsValues());
process.stdout.write(`wrote ${natsValuesPath}\n`);
