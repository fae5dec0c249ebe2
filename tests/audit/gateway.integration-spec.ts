import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { gatewayUrl } from '@vigie/shared-testing';
import { waitFor, writerPool } from './audit-test.helpers';

// Through the running gateway: every request is recorded (`http.request`), refused ones too.
// VIGIE_GATEWAY_URL points the test at another gateway instance (default: the local stack's).
const base = process.env['VIGIE_GATEWAY_URL'] ?? gatewayUrl();

describe('gateway request audit', () => {
  let db: Pool;

  beforeAll(() => {
    db = writerPool();
  });

  afterAll(async () => {
    await db.end();
  });

  it('records a request refused for want of a token (401) in the platform chain', async () => {
    const agent = `tests-audit-${randomUUID()}`;
    const res = await fetch(`${base}/api/v1/audit/records?actor=someone`, { headers: { 'user-agent': agent } });
    expect(res.status).toBe(401);
    const row = await waitFor('the http.request event', async () => {
      const r = await db.query<{ event: { outcome: string; actor: { kind: string }; details: Record<string, unknown> } }>(
        `SELECT event FROM audit.records WHERE tenant = '_platform' AND event @> $1::jsonb`,
        [JSON.stringify({ action: 'http.request', details: { userAgent: agent } })],
      );
      return r.rows[0];
    });
    expect(row.event).toMatchObject({ outcome: 'denied', actor: { kind: 'anonymous' }, details: { method: 'GET', path: '/api/v1/audit/records', status: 401 } });
    expect(typeof row.event.details['latencyMs']).toBe('number');
  });

  it('answers an export without a token with 401 before anything else', async () => {
    const res = await fetch(`${base}/api/v1/audit/export`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/json/);
  });
});
