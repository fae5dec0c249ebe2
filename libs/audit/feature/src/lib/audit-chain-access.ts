import { AuditChainSelector, AuditException, AuditExceptionCode, PLATFORM_TENANT } from '@vigie/audit-contracts';
import { Actor } from '@vigie/shared-auth';

/**
 * Which chain an auditor's request reads. An auditor reads their own tenant's chain (the tenant of
 * the verified token — a request never names a tenant). The platform chain (`_platform`) holds
 * events no tenant could be named for (requests without a valid token, tokens of unknown realms):
 * their paths, addresses and user agents may concern any tenant, so no tenant's auditor reads it by
 * default; the operator designates the realm(s) of the platform's own auditors
 * (`AUDIT_PLATFORM_AUDITOR_REALMS`), whose `vigie-auditor`s may then read and verify it.
 */
export class AuditChainAccess {
  private readonly platformRealms: ReadonlySet<string>;

  constructor(platformAuditorRealms: readonly string[] = []) {
    this.platformRealms = new Set(platformAuditorRealms);
  }

  /** The tenant whose chain `actor` (already known to be an auditor) reads for `chain`. */
  tenantFor(actor: Actor, chain: AuditChainSelector = 'tenant'): string {
    if (chain === 'tenant') return actor.tenant;
    if (!this.platformRealms.has(actor.tenant)) {
      throw new AuditException(
        AuditExceptionCode.PlatformChainForbidden,
        `The platform chain (${PLATFORM_TENANT}) is readable only by auditors of the realms listed in AUDIT_PLATFORM_AUDITOR_REALMS; realm ${actor.tenant} is not one of them`,
      );
    }
    return PLATFORM_TENANT;
  }
}
