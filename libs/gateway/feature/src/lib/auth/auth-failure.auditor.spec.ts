import { auditEventSchema } from '@vigie/audit-contracts';
import { AuthException, AuthExceptionCode } from '@vigie/shared-auth';
import type { EventPublisher } from '@vigie/shared-messaging';
import { AuthFailureAuditor } from './auth-failure.auditor';
import { isPublicRoute } from './gateway-auth.guard';

const request = { method: 'GET', route: '/api/v1/auth/me', ip: '127.0.0.1', userAgent: 'curl' };

describe('AuthFailureAuditor', () => {
  const published: { subject: string; id: string }[] = [];
  const publisher = { publish: async (contract: { subject: string }, _e: unknown, id: string) => published.push({ subject: contract.subject, id }) } as unknown as EventPublisher;
  const auditor = new AuthFailureAuditor(publisher, 1000);

  it('records a refusal of a known tenant in that tenant, with the reason and unverified hints, never the token', () => {
    const event = auditor.event(new AuthException(AuthExceptionCode.TokenExpired, 'Token has expired', { realm: 'alpha', subject: 'u1', kid: 'k1', alg: 'RS256' }), request);
    expect(auditEventSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({ tenant: 'alpha', action: 'auth.failed', outcome: 'denied', service: 'gateway', actor: { sub: 'anonymous', kind: 'anonymous', roles: [] } });
    expect(event.details).toEqual({ reason: 'TOKEN_EXPIRED', message: 'Token has expired', method: 'GET', route: '/api/v1/auth/me', ip: '127.0.0.1', userAgent: 'curl', realm: 'alpha', subject: 'u1', kid: 'k1', alg: 'RS256' });
  });

  it.each([AuthExceptionCode.UnknownRealm, AuthExceptionCode.MissingToken, AuthExceptionCode.AlgorithmNotAllowed, AuthExceptionCode.TokenMalformed])(
    '%s goes to the platform chain: an invented realm never opens a chain',
    (code) => {
      expect(auditor.event(new AuthException(code, 'x', { realm: 'invented' }), request).tenant).toBe('_platform');
    },
  );

  it('publishes to the audit stream subject of auth events', async () => {
    await auditor.record(new AuthException(AuthExceptionCode.MissingToken, 'No bearer token'), request);
    expect(published.at(-1)?.subject).toBe('audit.v1.events.auth.recorded');
  });

  it('still lets the 401 through when the audit stream cannot be reached', async () => {
    const failing = new AuthFailureAuditor({ publish: async () => Promise.reject(new Error('no JetStream')) } as unknown as EventPublisher, 100);
    await expect(failing.record(new AuthException(AuthExceptionCode.MissingToken, 'No bearer token'), request)).resolves.toBeUndefined();
  });
});

describe('isPublicRoute', () => {
  it.each([
    ['GET', '/api/v1/health', true],
    ['GET', '/api/v1/health/services/identity', true],
    ['POST', '/api/v1/health', false],
    ['GET', '/api/v1/healthy', false],
    ['GET', '/api/v1/auth/me', false],
    ['GET', '/api/v1/admin/tenants', false],
  ])('%s %s → %s', (method, path, expected) => {
    expect(isPublicRoute(method, path)).toBe(expected);
  });
});
