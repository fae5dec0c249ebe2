import { ConfigException, loadConfig } from '@vigie/shared-config';
import { auditConfigSchema } from './audit.config';
import { auditService } from './audit.service-definition';

const base = { HEALTH_PORT: '3105', NATS_URL: 'nats://127.0.0.1:4222' };

describe('audit service configuration', () => {
  it('needs no owner URL to serve and no writer URL or key to migrate (each command checks its own)', () => {
    const config = loadConfig('audit', auditConfigSchema, base);
    expect(config).toMatchObject({ DATABASE_SCHEMA: 'audit', AUDIT_CHECKPOINT_EVERY: 1000, AUDIT_CHECKPOINT_SECONDS: 60, AUDIT_RETENTION_DAYS: 0 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names a bad variable', () => {
    expect(() => loadConfig('audit', auditConfigSchema, { ...base, AUDIT_CHECKPOINT_EVERY: '0' })).toThrow(ConfigException);
    expect(() => loadConfig('audit', auditConfigSchema, { ...base, AUDIT_WRITER_DATABASE_URL: 'mysql://x' })).toThrow(/AUDIT_WRITER_DATABASE_URL is invalid/);
  });

  it('refuses to build the service without a signing key', () => {
    const config = loadConfig('audit', auditConfigSchema, { ...base, AUDIT_WRITER_DATABASE_URL: 'postgres://w:p@127.0.0.1:1/vigie' });
    expect(() => auditService.imports(config)).toThrow(/AUDIT_SIGNING_KEY is not set/);
  });

  it('declares the audit-writer durable consumer and a migrate command', () => {
    expect(auditService.consumers?.map((c) => [c.stream, c.durable])).toEqual([['AUDIT', 'audit-writer']]);
    expect(Object.keys(auditService.commands ?? {})).toEqual(['migrate', 'retention']);
    expect(auditService.persistence).toBeUndefined();
  });
});
