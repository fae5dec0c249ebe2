import './instrument';
import { runNatsService } from '@vigie/shared-service';
import { auditService } from './app/audit.service-definition';

// A refusal to start (no signing key, no writer URL…) is stated in one line, not as a stack.
runNatsService(auditService).catch((error: unknown) => {
  process.stderr.write(`vigie-audit refused to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(78);
});
