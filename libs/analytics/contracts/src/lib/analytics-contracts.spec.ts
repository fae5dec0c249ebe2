import { ErrorKind } from '@vigie/shared-contracts';
import { AnalyticsException, AnalyticsExceptionCode } from './analytics.exception';
import { geoRequestSchema, timelineRequestSchema, geoQuery, timelineQuery, projectionStatus } from './timeline-geo.contract';
import { graphMetrics, graphNeighbourhood, graphPaths, graphSearchAround, neighbourhoodRequestSchema, pathsRequestSchema } from './graph.contract';
import { searchQuery, searchRequestSchema } from './search.contract';

const id = '0b8a3c1e-2f4d-4e6a-9b1c-3d5e7f9a1b2c';

describe('analytics contracts', () => {
  it('serves every query on its own analytics.v1 subject', () => {
    expect([searchQuery, graphNeighbourhood, graphPaths, graphSearchAround, graphMetrics, timelineQuery, geoQuery, projectionStatus].map((c) => c.subject)).toEqual([
      'analytics.v1.search.query',
      'analytics.v1.graph.neighbourhood',
      'analytics.v1.graph.paths',
      'analytics.v1.graph.search-around',
      'analytics.v1.graph.metrics',
      'analytics.v1.timeline.query',
      'analytics.v1.geo.query',
      'analytics.v1.projection.status',
    ]);
  });

  it('fills search defaults and refuses unknown fields and bad boxes', () => {
    expect(searchRequestSchema.parse({})).toEqual({ q: '', fuzzy: true, filters: [], facets: [], limit: 20 });
    expect(searchRequestSchema.safeParse({ q: 'x', tenant: 'other' }).success).toBe(false);
    const bad = searchRequestSchema.safeParse({ geoBox: { minLat: 10, maxLat: 0, minLon: 0, maxLon: 1 } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('minLat');
  });

  it('bounds graph requests: at most 3 hops, k ≤ 10, known link type names', () => {
    expect(neighbourhoodRequestSchema.parse({ ids: [id] })).toEqual({ ids: [id], hops: 1, limit: 500 });
    expect(neighbourhoodRequestSchema.safeParse({ ids: [id], hops: 4 }).success).toBe(false);
    expect(pathsRequestSchema.safeParse({ fromId: id, toId: id, k: 11 }).success).toBe(false);
    expect(pathsRequestSchema.safeParse({ fromId: id, toId: id, linkTypes: ['Works-For'] }).success).toBe(false);
  });

  it('needs exactly one geo area and an ordered time range', () => {
    expect(geoRequestSchema.safeParse({}).success).toBe(false);
    expect(geoRequestSchema.safeParse({ box: { minLat: 0, maxLat: 1, minLon: 0, maxLon: 1 }, circle: { center: { lat: 0, lon: 0 }, radiusMeters: 10 } }).success).toBe(false);
    expect(geoRequestSchema.parse({ circle: { center: { lat: 0, lon: 0 }, radiusMeters: 10 } }).clusterAbove).toBe(500);
    expect(timelineRequestSchema.safeParse({ from: '2025-02-01', to: '2025-01-01' }).success).toBe(false);
    expect(timelineRequestSchema.parse({}).bucket).toBe('day');
  });

  it('gives each error code its kind', () => {
    expect(new AnalyticsException(AnalyticsExceptionCode.ObjectNotFound, 'x').kind).toBe(ErrorKind.NotFound);
    expect(new AnalyticsException(AnalyticsExceptionCode.RoleMissing, 'x').kind).toBe(ErrorKind.Forbidden);
    expect(new AnalyticsException(AnalyticsExceptionCode.InvalidCursor, 'x').toReply()).toEqual({ code: 'ANALYTICS_INVALID_CURSOR', kind: 'invalid', message: 'x' });
  });
});
