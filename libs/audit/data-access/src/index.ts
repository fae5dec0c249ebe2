export * from './lib/audit-store';
export * from './lib/audit-migrations';
export { AUDIT_WRITER_ROLE } from './lib/migrations/Migration20261128150000_audit_chain';
