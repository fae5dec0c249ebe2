import { auditCommand } from './audit/audit.command';
import { CliCommand } from './cli-command';
import { ingestCommand } from './ingest/ingest.command';

/** Every top-level `vigie` command. Add a command: write its module, list it here. */
export const COMMANDS: readonly CliCommand[] = [auditCommand, ingestCommand];
