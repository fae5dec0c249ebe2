import type {
  Edge,
  GraphNode,
  GraphPath,
  MetricsRequest,
  MetricsResponse,
  NeighbourhoodRequest,
  ObjectSummary,
  PathsRequest,
  PathsResponse,
  SearchAroundRequest,
  SearchAroundResponse,
  SubgraphResponse,
} from '@vigie/analytics-contracts';
import { AnalyticsException, AnalyticsExceptionCode } from '@vigie/analytics-contracts';
import { betweenness, degrees, kShortestPaths, louvain, pathAdjacency } from '../graph/graph-algorithms';
import { ExpandedEdge, ExpansionFilters, GraphRepository, stripEdge } from './graph.repository';
import { Viewer } from './visibility';

/** Most links read into memory for one k-shortest-paths search. */
export const PATH_SEARCH_EDGE_BUDGET = 200_000;

/**
 * Link analysis over the adjacency projection: breadth-first expansion with one SQL statement per
 * hop (the markings filter inside each), then in-memory work on what the reader may see.
 */
export class GraphQueryService {
  constructor(private readonly repo: GraphRepository) {}

  /** The seeds, all visible, else NOT_FOUND (unknown, deleted and hidden are not told apart). */
  private async seeds(viewer: Viewer, ids: readonly string[]): Promise<Map<string, ObjectSummary>> {
    const unique = [...new Set(ids)];
    const found = await this.repo.objects(viewer, unique);
    if (found.size !== unique.length) {
      throw new AnalyticsException(AnalyticsExceptionCode.ObjectNotFound, `${unique.length - found.size} of the ${unique.length} objects asked for are not found`);
    }
    return found;
  }

  async neighbourhood(viewer: Viewer, req: NeighbourhoodRequest, closeLastHop = false): Promise<SubgraphResponse> {
    const seedCount = new Set(req.ids).size;
    if (req.hops <= 2 && seedCount <= req.limit) return this.nearNeighbourhood(viewer, req, closeLastHop);
    return this.neighbourhoodHopByHop(viewer, req, closeLastHop);
  }

  /** Breadth-first, one statement per hop (3 hops; also the reference the one-statement form is tested against). */
  async neighbourhoodHopByHop(viewer: Viewer, req: NeighbourhoodRequest, closeLastHop = false): Promise<SubgraphResponse> {
    // The seeds are checked with the final node summaries (one round trip less): a link is visible
    // only with both of its ends, so nothing is ever expanded from a seed the reader cannot see.
    const seedIds = [...new Set(req.ids)];
    const depth = new Map<string, number>(seedIds.map((id) => [id, 0]));
    const edges = new Map<string, ExpandedEdge>();
    const filters: ExpansionFilters = { linkTypes: req.linkTypes, objectTypes: req.objectTypes, window: req.window };
    let frontier = [...seedIds];
    let truncated = depth.size > req.limit;
    const cut = { nodes: 0, edges: 0 };
    for (let hop = 1; hop <= req.hops && frontier.length && !truncated; hop++) {
      const found = await this.repo.edgesOf(viewer, frontier, filters);
      const fresh: string[] = [];
      const freshSet = new Set<string>();
      for (const e of found) {
        for (const v of [e.fromId, e.toId]) {
          if (!depth.has(v) && !freshSet.has(v)) {
            freshSet.add(v);
            fresh.push(v);
          }
        }
      }
      fresh.sort();
      const room = req.limit - depth.size;
      const kept = fresh.slice(0, Math.max(0, room));
      if (kept.length < fresh.length) {
        truncated = true;
        cut.nodes += fresh.length - kept.length;
      }
      for (const v of kept) depth.set(v, hop);
      for (const e of found) {
        if (edges.has(e.id)) continue;
        if (depth.has(e.fromId) && depth.has(e.toId)) edges.set(e.id, e);
        else cut.edges += 1;
      }
      frontier = kept;
    }
    if (closeLastHop && frontier.length && !truncated) {
      // Links among the outermost nodes (for metrics over the induced subgraph).
      for (const e of await this.repo.edgesOf(viewer, frontier, { linkTypes: req.linkTypes, window: req.window })) {
        if (!edges.has(e.id) && depth.has(e.fromId) && depth.has(e.toId)) edges.set(e.id, e);
      }
    }
    const summaries = await this.repo.objects(viewer, [...depth.keys()]);
    const missing = seedIds.filter((id) => !summaries.has(id)).length;
    if (missing) throw new AnalyticsException(AnalyticsExceptionCode.ObjectNotFound, `${missing} of the ${seedIds.length} objects asked for are not found`);
    const nodes: GraphNode[] = [];
    for (const [id, d] of depth) {
      const s = summaries.get(id);
      if (s) nodes.push({ ...s, depth: d });
    }
    nodes.sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id));
    const present = new Set(nodes.map((n) => n.id));
    return {
      nodes,
      edges: [...edges.values()].filter((e) => present.has(e.fromId) && present.has(e.toId)).map(stripEdge),
      truncated,
      cut,
    };
  }

  /** Up to 2 hops: one statement (expansion, limit, cut and node summaries computed in SQL). */
  private async nearNeighbourhood(viewer: Viewer, req: NeighbourhoodRequest, closeLastHop: boolean): Promise<SubgraphResponse> {
    const seedIds = [...new Set(req.ids)];
    const filters: ExpansionFilters = { linkTypes: req.linkTypes, objectTypes: req.objectTypes, window: req.window };
    const near = await this.repo.nearNeighbourhood(viewer, seedIds, filters, req.hops as 1 | 2, req.limit);
    const present = new Set(near.nodes.map((n) => n.id));
    const missing = seedIds.filter((id) => !present.has(id)).length;
    if (missing) throw new AnalyticsException(AnalyticsExceptionCode.ObjectNotFound, `${missing} of the ${seedIds.length} objects asked for are not found`);
    const edges = new Map(near.edges.map((e) => [e.id, e]));
    if (closeLastHop && !near.truncated) {
      // Links among the outermost nodes (for metrics over the induced subgraph).
      const frontier = near.nodes.filter((n) => n.depth === req.hops).map((n) => n.id);
      for (const e of await this.repo.edgesOf(viewer, frontier, { linkTypes: req.linkTypes, window: req.window })) {
        if (!edges.has(e.id) && present.has(e.fromId) && present.has(e.toId)) edges.set(e.id, e);
      }
    }
    const nodes: GraphNode[] = [...near.nodes].sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id));
    return {
      nodes,
      edges: [...edges.values()].filter((e) => present.has(e.fromId) && present.has(e.toId)).map(stripEdge),
      truncated: near.truncated,
      cut: near.cut,
    };
  }

  async searchAround(viewer: Viewer, req: SearchAroundRequest): Promise<SearchAroundResponse> {
    const seeds = await this.seeds(viewer, req.ids);
    const found = await this.repo.edgesOf(viewer, [...seeds.keys()], { linkTypes: req.linkTypes, objectTypes: req.objectTypes, window: req.window }, req.direction);
    const via = new Map<string, Set<string>>();
    const typeOf = new Map<string, string>();
    for (const e of found) {
      for (const [seed, other, otherType] of [
        [e.fromId, e.toId, e.toType],
        [e.toId, e.fromId, e.fromType],
      ] as const) {
        if (!seeds.has(seed) || seeds.has(other)) continue;
        // With a direction, the seed must be the right end (undirected links match either way).
        if (e.directed && req.direction === 'out' && seed !== e.fromId) continue;
        if (e.directed && req.direction === 'in' && seed !== e.toId) continue;
        if (req.objectTypes && !req.objectTypes.includes(otherType)) continue;
        let s = via.get(other);
        if (!s) via.set(other, (s = new Set()));
        s.add(seed);
        typeOf.set(other, otherType);
      }
    }
    const counts = new Map<string, number>();
    for (const t of typeOf.values()) counts.set(t, (counts.get(t) ?? 0) + 1);
    const all = [...via.keys()].sort();
    const kept = all.slice(0, req.limit);
    const keptSet = new Set(kept);
    const summaries = await this.repo.objects(viewer, kept);
    const nodes = kept.flatMap((id) => {
      const s = summaries.get(id);
      return s ? [{ ...s, seedIds: [...(via.get(id) ?? [])].sort() }] : [];
    });
    const edges: Edge[] = [];
    let cutEdges = 0;
    for (const e of found) {
      const other = seeds.has(e.fromId) ? e.toId : e.fromId;
      if (keptSet.has(other) && summaries.has(other)) edges.push(stripEdge(e));
      else if (via.has(other)) cutEdges += 1;
    }
    return {
      nodes,
      edges,
      countsByType: [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
      truncated: kept.length < all.length,
      cut: { nodes: all.length - kept.length, edges: cutEdges },
    };
  }

  async paths(viewer: Viewer, req: PathsRequest): Promise<PathsResponse> {
    const filters: ExpansionFilters = { linkTypes: req.linkTypes, window: req.window };
    // A link is visible only with both of its ends, so nothing is expanded from an end the reader
    // cannot see: the ends are checked with the path's node summaries (one round trip less), or
    // on their own when no path is found.
    const best = await this.bidirectional(viewer, req, filters);
    if (!best || best.edgeIds.length === 0) await this.seeds(viewer, [req.fromId, req.toId]);
    let paths: GraphPath[] = [];
    let truncated = false;
    const edgeById = new Map<string, ExpandedEdge>();
    if (best) {
      for (const e of best.edges) edgeById.set(e.id, e);
      paths = [{ nodeIds: best.nodeIds, edgeIds: best.edgeIds, length: best.edgeIds.length }];
      if (req.k > 1) {
        // Alternatives up to two hops longer than the shortest: every such path lies within the balls
        // of radius ⌈L/2⌉ around the start and ⌊L/2⌋ around the end.
        const limit = Math.min(req.maxHops, best.edgeIds.length + 2);
        const ball = await this.balls(viewer, req, filters, limit);
        truncated = ball.truncated;
        for (const e of ball.edges) edgeById.set(e.id, e);
        const adj = pathAdjacency([...edgeById.values()], req.respectDirection);
        paths = kShortestPaths(adj, req.fromId, req.toId, req.k, limit).map((p) => ({ ...p, length: p.edgeIds.length }));
      }
    }
    const nodeIds = [...new Set(paths.flatMap((p) => p.nodeIds))];
    const summaries = await this.repo.objects(viewer, nodeIds);
    const ends = [...new Set([req.fromId, req.toId])];
    const missing = nodeIds.length ? ends.filter((id) => !summaries.has(id)).length : 0; // else checked above
    if (missing) throw new AnalyticsException(AnalyticsExceptionCode.ObjectNotFound, `${missing} of the ${ends.length} objects asked for are not found`);
    // A path is returned only if every object on it is visible now.
    paths = paths.filter((p) => p.nodeIds.every((id) => summaries.has(id)));
    const usedEdges = new Set(paths.flatMap((p) => p.edgeIds));
    return {
      paths,
      nodes: nodeIds.flatMap((id) => (summaries.has(id) ? [summaries.get(id) as ObjectSummary] : [])),
      edges: [...usedEdges].map((id) => stripEdge(edgeById.get(id) as ExpandedEdge)),
      truncated,
    };
  }

  /** Bidirectional BFS, one SQL statement per hop on the smaller frontier. */
  private async bidirectional(
    viewer: Viewer,
    req: PathsRequest,
    filters: ExpansionFilters,
  ): Promise<{ nodeIds: string[]; edgeIds: string[]; edges: ExpandedEdge[] } | null> {
    if (req.fromId === req.toId) return { nodeIds: [req.fromId], edgeIds: [], edges: [] };
    const parents = [new Map<string, [string, ExpandedEdge | null]>([[req.fromId, ['', null]]]), new Map<string, [string, ExpandedEdge | null]>([[req.toId, ['', null]]])];
    const frontiers = [[req.fromId], [req.toId]];
    const depths = [0, 0];
    while (depths[0] + depths[1] < req.maxHops && frontiers[0].length && frontiers[1].length) {
      const side = frontiers[0].length <= frontiers[1].length ? 0 : 1;
      const other = 1 - side;
      const frontierSet = new Set(frontiers[side]);
      const direction = !req.respectDirection ? 'both' : side === 0 ? 'out' : 'in';
      const found = await this.repo.edgesOf(viewer, frontiers[side], filters, direction);
      const next: string[] = [];
      let meet: { node: string; total: number } | null = null;
      for (const e of found.sort((a, b) => a.id.localeCompare(b.id))) {
        for (const [u, v] of [
          [e.fromId, e.toId],
          [e.toId, e.fromId],
        ] as const) {
          if (!frontierSet.has(u)) continue;
          if (req.respectDirection && e.directed && (side === 0 ? u !== e.fromId : u !== e.toId)) continue;
          if (parents[side].has(v)) continue;
          parents[side].set(v, [u, e]);
          next.push(v);
          if (parents[other].has(v)) {
            const total = depths[side] + 1 + this.depthOf(parents[other], v);
            if (!meet || total < meet.total) meet = { node: v, total };
          }
        }
      }
      depths[side] += 1;
      frontiers[side] = next;
      if (meet) {
        const meeting = meet.node;
        const half = (p: Map<string, [string, ExpandedEdge | null]>) => {
          const nodes = [meeting];
          const edges: ExpandedEdge[] = [];
          let cur = meeting;
          for (;;) {
            const [prev, edge] = p.get(cur) as [string, ExpandedEdge | null];
            if (!edge) break;
            edges.push(edge);
            nodes.push(prev);
            cur = prev;
          }
          return { nodes, edges };
        };
        const a = half(parents[0]);
        const b = half(parents[1]);
        const nodeIds = [...a.nodes.reverse(), ...b.nodes.slice(1)];
        const edges = [...a.edges.reverse(), ...b.edges];
        return { nodeIds, edgeIds: edges.map((e) => e.id), edges };
      }
    }
    return null;
  }

  private depthOf(parents: Map<string, [string, ExpandedEdge | null]>, node: string): number {
    let d = 0;
    let cur = node;
    for (;;) {
      const entry = parents.get(cur);
      if (!entry || !entry[1]) return d;
      d += 1;
      cur = entry[0];
    }
  }

  /** Visible links within ⌈L/2⌉ hops of the start and ⌊L/2⌋ of the end, within a budget. */
  private async balls(viewer: Viewer, req: PathsRequest, filters: ExpansionFilters, limit: number): Promise<{ edges: ExpandedEdge[]; truncated: boolean }> {
    const edges = new Map<string, ExpandedEdge>();
    let truncated = false;
    for (const [start, radius, direction] of [
      [req.fromId, Math.ceil(limit / 2), req.respectDirection ? 'out' : 'both'],
      [req.toId, Math.floor(limit / 2), req.respectDirection ? 'in' : 'both'],
    ] as const) {
      const seen = new Set([start]);
      let frontier = [start];
      for (let hop = 0; hop < radius && frontier.length && !truncated; hop++) {
        const found = await this.repo.edgesOf(viewer, frontier, filters, direction);
        const next: string[] = [];
        for (const e of found) {
          edges.set(e.id, e);
          for (const v of [e.fromId, e.toId]) {
            if (!seen.has(v)) {
              seen.add(v);
              next.push(v);
            }
          }
        }
        if (edges.size > PATH_SEARCH_EDGE_BUDGET) truncated = true;
        frontier = next;
      }
    }
    return { edges: [...edges.values()], truncated };
  }

  async metrics(viewer: Viewer, req: MetricsRequest): Promise<MetricsResponse> {
    let sub: SubgraphResponse;
    if (req.hops === 0) {
      const seeds = await this.seeds(viewer, req.ids);
      const ids = [...seeds.keys()].sort();
      const kept = new Set(ids.slice(0, req.limit));
      const found = await this.repo.edgesOf(viewer, [...kept], { linkTypes: req.linkTypes, window: req.window });
      const edges = new Map(found.filter((e) => kept.has(e.fromId) && kept.has(e.toId)).map((e) => [e.id, stripEdge(e)]));
      sub = {
        nodes: ids.filter((id) => kept.has(id)).map((id) => ({ ...(seeds.get(id) as ObjectSummary), depth: 0 })),
        edges: [...edges.values()],
        truncated: kept.size < ids.length,
        cut: { nodes: ids.length - kept.size, edges: 0 },
      };
    } else {
      sub = await this.neighbourhood(viewer, { ...req, hops: req.hops }, true);
    }
    const ids = sub.nodes.map((n) => n.id);
    const deg = degrees(ids, sub.edges);
    const bc = betweenness(ids, sub.edges);
    const { membership, modularity } = louvain(ids, sub.edges);
    const sizes = new Map<number, number>();
    for (const c of membership.values()) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    return {
      nodes: sub.nodes.map(({ depth: _d, ...n }) => ({
        ...n,
        degree: deg.get(n.id) ?? 0,
        betweenness: Math.round((bc.get(n.id) ?? 0) * 1e6) / 1e6,
        community: membership.get(n.id) ?? 0,
      })),
      edgeCount: sub.edges.length,
      communities: [...sizes].map(([id, size]) => ({ id, size })).sort((a, b) => a.id - b.id),
      modularity: Math.round(modularity * 1e6) / 1e6,
      truncated: sub.truncated,
      cut: sub.cut,
    };
  }
}
