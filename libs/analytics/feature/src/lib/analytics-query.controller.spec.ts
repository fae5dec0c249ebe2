import type { PubAck } from 'nats';
import { searchRequestSchema, SearchResponse } from '@vigie/analytics-contracts';
import type { GraphQueryService, SearchRepository, TimelineGeoRepository, Viewer } from '@vigie/analytics-data-access';
import type { AuditEvent } from '@vigie/audit-contracts';
import { AuditRecorder } from '@vigie/shared-audit-client';
import type { Actor, ActorResolver } from '@vigie/shared-auth';
import { analyticsFeatureConfigSchema } from './analytics-feature.config';
import { AnalyticsQueryController } from './analytics-query.controller';
import type { ProjectionLagMonitor } from './projection-lag.monitor';

const config = analyticsFeatureConfigSchema.parse({ HEALTH_PORT: '3104', DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' });
const empty: SearchResponse = { items: [], nextCursor: null, total: 0, facets: { types: [], properties: {} } };

function setup(actor: Actor, sinkFails = false) {
  const events: AuditEvent[] = [];
  const sink = {
    publish: async (_c: unknown, payload: unknown): Promise<PubAck> => {
      if (sinkFails) throw new Error('JetStream did not acknowledge');
      events.push(payload as AuditEvent);
      return { seq: events.length, stream: 'AUDIT', duplicate: false, domain: '' } as PubAck;
    },
  };
  const viewers: Viewer[] = [];
  const search = { search: async (v: Viewer) => (viewers.push(v), empty) } as unknown as SearchRepository;
  const controller = new AnalyticsQueryController(
    { requireActor: async () => actor } as unknown as ActorResolver,
    new AuditRecorder(sink, { service: 'analytics' }),
    search,
    {} as GraphQueryService,
    {} as TimelineGeoRepository,
    {} as ProjectionLagMonitor,
    config,
  );
  return { controller, events, viewers };
}

const analyst = (over: Partial<Actor> = {}): Actor => ({
  tenant: 'alpha',
  subject: 'u-1',
  username: 'alpha-s',
  roles: ['vigie-analyst'],
  clearance: 'S',
  compartments: ['op-saphir'],
  kind: 'user',
  expiresAt: 0,
  ...over,
});
const req = searchRequestSchema.parse({ q: 'dupont' });

describe('AnalyticsQueryController', () => {
  it('caps the clearance below the purpose level when no purpose is stated, and says so in the audit event', async () => {
    const { controller, events, viewers } = setup(analyst());
    await controller.search(req);
    expect(viewers[0]).toEqual({ tenant: 'alpha', clearance: 'DR', compartments: ['op-saphir'] });
    expect(events[0]).toEqual(expect.objectContaining({ action: 'search.query', outcome: 'success', tenant: 'alpha', service: 'analytics' }));
    expect(events[0].details).toEqual(expect.objectContaining({ effectiveClearance: 'DR', clearanceCapped: 'no purpose stated', hitCount: 0, hitCountExact: true }));
  });

  it('reads at full clearance with a stated purpose, recorded in the event', async () => {
    const purpose = { caseRef: 'C-1', justification: 'enquête' };
    const { controller, events, viewers } = setup(analyst({ purpose }));
    await controller.search(req);
    expect(viewers[0].clearance).toBe('S');
    expect(events[0].purpose).toEqual(purpose);
  });

  it('refuses a caller without the read role, and audits the refusal', async () => {
    const { controller, events, viewers } = setup(analyst({ roles: ['vigie-auditor'] }));
    await expect(controller.search(req)).rejects.toMatchObject({ code: 'ANALYTICS_ROLE_MISSING' });
    expect(viewers).toHaveLength(0);
    expect(events[0]).toEqual(expect.objectContaining({ outcome: 'denied', action: 'search.query' }));
  });

  it('serves nothing when the audit event cannot be recorded (fail closed)', async () => {
    const { controller, viewers } = setup(analyst(), true);
    await expect(controller.search(req)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(viewers).toHaveLength(1); // the query ran, its result was withheld
  });
});
