import { Migration20261128150000_audit_chain } from './migrations/Migration20261128150000_audit_chain';

/** The audit schema's migrations, in order (bundled, not globbed). Run as the schema owner. */
export const AUDIT_MIGRATIONS = [Migration20261128150000_audit_chain];
