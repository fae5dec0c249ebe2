import { Controller, Inject } from '@nestjs/common';
import {
  AnalyticsException,
  AnalyticsExceptionCode,
  geoQuery,
  GeoRequest,
  GeoResponse,
  graphMetrics,
  graphNeighbourhood,
  graphPaths,
  graphSearchAround,
  MetricsRequest,
  MetricsResponse,
  NeighbourhoodRequest,
  PathsRequest,
  PathsResponse,
  projectionStatus,
  ProjectionStatus,
  SearchAroundRequest,
  SearchAroundResponse,
  searchQuery,
  SearchRequest,
  SearchResponse,
  SubgraphResponse,
  timelineQuery,
  TimelineRequest,
  TimelineResponse,
} from '@vigie/analytics-contracts';
import { GraphQueryService, SearchRepository, TimelineGeoRepository, Viewer } from '@vigie/analytics-data-access';
import { AuditAction, AuditResource, JsonObjectValue, MAX_AUDIT_RESOURCES } from '@vigie/audit-contracts';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { Actor, ActorResolver } from '@vigie/shared-auth';
import { HandleRequest } from '@vigie/shared-messaging';
import { CLASSIFICATION_LEVELS, hasPermission, levelRank, PolicyAction } from '@vigie/shared-policy';
import type { AnalyticsFeatureConfig } from './analytics-feature.config';
import { ProjectionLagMonitor } from './projection-lag.monitor';
import { ANALYTICS_CONFIG } from './tokens';

/**
 * The read side of analytics over NATS. For every query: verify the forwarded token (never a user
 * id from the payload), check the read role, derive the reader's view (tenant, clearance capped
 * without a purpose, compartments) that filters INSIDE the SQL, run, record the audit event and
 * only then answer (fail closed).
 */
@Controller()
export class AnalyticsQueryController {
  constructor(
    private readonly actors: ActorResolver,
    private readonly audit: AuditRecorder,
    private readonly searchRepo: SearchRepository,
    private readonly graph: GraphQueryService,
    private readonly timelineGeo: TimelineGeoRepository,
    private readonly lag: ProjectionLagMonitor,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsFeatureConfig,
  ) {}

  /** The verified actor and what they may see in this query. */
  private async reader(action: string): Promise<{ actor: Actor; viewer: Viewer; capped: boolean }> {
    const actor = await this.actors.requireActor();
    if (!hasPermission(actor, PolicyAction.Read)) {
      await this.audit.record({ actor, action, outcome: 'denied', details: { reason: 'ROLE_MISSING' } });
      throw new AnalyticsException(AnalyticsExceptionCode.RoleMissing, `Analytics queries need one of the roles vigie-analyst, vigie-supervisor`);
    }
    const threshold = levelRank(this.config.PURPOSE_REQUIRED_FROM_LEVEL);
    const capped = !actor.purpose && levelRank(actor.clearance) >= threshold;
    const clearance = capped ? CLASSIFICATION_LEVELS[Math.max(0, threshold - 1)] : actor.clearance;
    return { actor, viewer: { tenant: actor.tenant, clearance, compartments: actor.compartments }, capped };
  }

  /**
   * Runs a query under the audit guard: the event (success with the returned resources, or the
   * error) is acknowledged by JetStream before anything is answered — fail closed.
   */
  private async run<R>(
    action: string,
    query: JsonObjectValue,
    exec: (viewer: Viewer) => Promise<R>,
    resources: (result: R) => AuditResource[],
    facts: (result: R) => JsonObjectValue,
  ): Promise<R> {
    const { actor, viewer, capped } = await this.reader(action);
    const details: JsonObjectValue = { query, effectiveClearance: viewer.clearance, ...(capped ? { clearanceCapped: 'no purpose stated' } : {}) };
    return this.audit.guard({ actor, action, details }, () => exec(viewer), (result) => {
      const all = resources(result);
      return {
        resources: all.slice(0, MAX_AUDIT_RESOURCES),
        details: { ...facts(result), ...(all.length > MAX_AUDIT_RESOURCES ? { resourcesOmitted: all.length - MAX_AUDIT_RESOURCES } : {}) },
      };
    });
  }

  @HandleRequest(searchQuery)
  search(req: SearchRequest): Promise<SearchResponse> {
    return this.run(
      AuditAction.SearchQuery,
      json(req),
      (v) => this.searchRepo.search(v, req),
      (r) => r.items.map((h) => ({ type: 'object', id: h.id })),
      (r) => ({ hitCount: r.total, hitCountExact: r.totalExact ?? true, returned: r.items.length }),
    );
  }

  @HandleRequest(graphNeighbourhood)
  neighbourhood(req: NeighbourhoodRequest): Promise<SubgraphResponse> {
    return this.run(AuditAction.GraphNeighbourhood, json(req), (v) => this.graph.neighbourhood(v, req), subgraphResources, subgraphFacts);
  }

  @HandleRequest(graphPaths)
  paths(req: PathsRequest): Promise<PathsResponse> {
    return this.run(
      AuditAction.GraphPaths,
      json(req),
      (v) => this.graph.paths(v, req),
      (r) => [...r.nodes.map((n) => ({ type: 'object', id: n.id })), ...r.edges.map((e) => ({ type: 'link', id: e.id }))],
      (r) => ({ pathCount: r.paths.length }),
    );
  }

  @HandleRequest(graphSearchAround)
  searchAround(req: SearchAroundRequest): Promise<SearchAroundResponse> {
    return this.run(
      'graph.search-around',
      json(req),
      (v) => this.graph.searchAround(v, req),
      (r) => [...r.nodes.map((n) => ({ type: 'object', id: n.id })), ...r.edges.map((e) => ({ type: 'link', id: e.id }))],
      (r) => ({ nodeCount: r.nodes.length, truncated: r.truncated }),
    );
  }

  @HandleRequest(graphMetrics)
  metrics(req: MetricsRequest): Promise<MetricsResponse> {
    return this.run(
      'graph.metrics',
      json(req),
      (v) => this.graph.metrics(v, req),
      (r) => r.nodes.map((n) => ({ type: 'object', id: n.id })),
      (r) => ({ nodeCount: r.nodes.length, edgeCount: r.edgeCount }),
    );
  }

  @HandleRequest(timelineQuery)
  timeline(req: TimelineRequest): Promise<TimelineResponse> {
    return this.run(
      AuditAction.AnalyticsTimeline,
      json(req),
      (v) => this.timelineGeo.timeline(v, req),
      (r) => r.items.map((i) => ({ type: i.kind, id: i.id })),
      (r) => ({ hitCount: r.total, returned: r.items.length }),
    );
  }

  @HandleRequest(geoQuery)
  geo(req: GeoRequest): Promise<GeoResponse> {
    return this.run(
      AuditAction.AnalyticsGeo,
      json(req),
      (v) => this.timelineGeo.geo(v, req),
      (r) => r.points.map((p) => ({ type: 'object', id: p.id })),
      (r) => ({ hitCount: r.total, clustered: r.clustered }),
    );
  }

  /** Operational only (no data): how far the projections are behind. */
  @HandleRequest(projectionStatus)
  async projection(): Promise<ProjectionStatus> {
    try {
      return await this.lag.status();
    } catch (error) {
      throw new AnalyticsException(AnalyticsExceptionCode.ProjectionUnavailable, `Projection status unavailable: ${(error as Error).message}`);
    }
  }
}

const subgraphResources = (r: SubgraphResponse) => [...r.nodes.map((n) => ({ type: 'object', id: n.id })), ...r.edges.map((e) => ({ type: 'link', id: e.id }))];
const subgraphFacts = (r: SubgraphResponse): JsonObjectValue => ({ nodeCount: r.nodes.length, edgeCount: r.edges.length, truncated: r.truncated });

/** The request as audit details (plain JSON). */
function json(req: object): JsonObjectValue {
  return JSON.parse(JSON.stringify(req)) as JsonObjectValue;
}
