import { AuditExceptionCode, PLATFORM_TENANT } from '@vigie/audit-contracts';
import { Actor } from '@vigie/shared-auth';
import { auditFeatureConfigSchema } from './audit-feature.config';
import { AuditChainAccess } from './audit-chain-access';

const auditorOf = (tenant: string): Actor => ({ tenant, subject: 's', username: 'aude', roles: ['vigie-auditor'], clearance: 'NP', compartments: [], kind: 'user', expiresAt: 0 });

describe('AuditChainAccess', () => {
  it("gives every auditor their own tenant's chain", () => {
    const access = new AuditChainAccess(['ops']);
    expect(access.tenantFor(auditorOf('alpha'))).toBe('alpha');
    expect(access.tenantFor(auditorOf('ops'), 'tenant')).toBe('ops');
  });

  it('gives the platform chain to auditors of a designated realm only', () => {
    const access = new AuditChainAccess(['ops']);
    expect(access.tenantFor(auditorOf('ops'), 'platform')).toBe(PLATFORM_TENANT);
    expect(() => access.tenantFor(auditorOf('alpha'), 'platform')).toThrow(
      expect.objectContaining({ code: AuditExceptionCode.PlatformChainForbidden, message: expect.stringContaining('realm alpha is not one of them') }),
    );
  });

  it('designates nobody by default', () => {
    expect(() => new AuditChainAccess().tenantFor(auditorOf('alpha'), 'platform')).toThrow(expect.objectContaining({ code: AuditExceptionCode.PlatformChainForbidden }));
  });

  it('reads AUDIT_PLATFORM_AUDITOR_REALMS as a comma-separated list of realms', () => {
    const parse = (value?: string) => auditFeatureConfigSchema.shape.AUDIT_PLATFORM_AUDITOR_REALMS.safeParse(value);
    expect(parse(undefined).data).toEqual([]);
    expect(parse(' ops , audit-corp ').data).toEqual(['ops', 'audit-corp']);
    expect(parse('ops,_platform').success).toBe(false);
    expect(parse('ops,../x').error?.issues[0]?.message).toBe('must be realm names separated by commas');
  });
});
