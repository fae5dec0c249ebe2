/**
 * The streamed export contract moved to `@vigie/audit-contracts` (the audit domain's API); it is
 * re-exported here so that existing imports keep working.
 */
export { auditExportChunk, exportContinuationSchema } from '@vigie/audit-contracts';
export type { ExportContinuation } from '@vigie/audit-contracts';
