/**
 * Graph algorithms over a subgraph held in memory (what a query returned — already filtered by
 * the reader's markings, so centralities and communities are computed over visible data only).
 * Pure functions, deterministic: nodes are processed in sorted order.
 */

export interface SimpleEdge {
  id: string;
  fromId: string;
  toId: string;
  directed: boolean;
}

/** Undirected simple-graph adjacency (parallel links count once for betweenness/Louvain, self-loops ignored). */
function undirectedNeighbours(nodes: readonly string[], edges: readonly SimpleEdge[]): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>(nodes.map((n) => [n, new Set<string>()]));
  for (const e of edges) {
    if (e.fromId === e.toId) continue;
    const a = adj.get(e.fromId);
    const b = adj.get(e.toId);
    if (!a || !b) continue;
    a.add(e.toId);
    b.add(e.fromId);
  }
  return adj;
}

/** Degree: links touching each node inside the subgraph (each link counted once per end). */
export function degrees(nodes: readonly string[], edges: readonly SimpleEdge[]): Map<string, number> {
  const deg = new Map<string, number>(nodes.map((n) => [n, 0]));
  for (const e of edges) {
    if (!deg.has(e.fromId) || !deg.has(e.toId)) continue;
    deg.set(e.fromId, (deg.get(e.fromId) ?? 0) + 1);
    if (e.toId !== e.fromId) deg.set(e.toId, (deg.get(e.toId) ?? 0) + 1);
  }
  return deg;
}

/**
 * Betweenness centrality (Brandes 2001), unweighted and undirected, normalised to 0..1 by the
 * number of pairs not involving the node: (n−1)(n−2)/2.
 */
export function betweenness(nodes: readonly string[], edges: readonly SimpleEdge[]): Map<string, number> {
  const sorted = [...nodes].sort();
  const adj = undirectedNeighbours(sorted, edges);
  const cb = new Map<string, number>(sorted.map((n) => [n, 0]));
  for (const s of sorted) {
    const stack: string[] = [];
    const pred = new Map<string, string[]>();
    const sigma = new Map<string, number>([[s, 1]]);
    const dist = new Map<string, number>([[s, 0]]);
    const queue = [s];
    for (let qi = 0; qi < queue.length; qi++) {
      const v = queue[qi];
      stack.push(v);
      for (const w of [...(adj.get(v) ?? [])].sort()) {
        if (!dist.has(w)) {
          dist.set(w, (dist.get(v) ?? 0) + 1);
          queue.push(w);
        }
        if (dist.get(w) === (dist.get(v) ?? 0) + 1) {
          sigma.set(w, (sigma.get(w) ?? 0) + (sigma.get(v) ?? 0));
          pred.set(w, [...(pred.get(w) ?? []), v]);
        }
      }
    }
    const delta = new Map<string, number>();
    while (stack.length) {
      const w = stack.pop() as string;
      for (const v of pred.get(w) ?? []) {
        const d = ((sigma.get(v) ?? 0) / (sigma.get(w) ?? 1)) * (1 + (delta.get(w) ?? 0));
        delta.set(v, (delta.get(v) ?? 0) + d);
      }
      if (w !== s) cb.set(w, (cb.get(w) ?? 0) + (delta.get(w) ?? 0));
    }
  }
  const n = sorted.length;
  const norm = n > 2 ? (n - 1) * (n - 2) : 1; // ordered pairs counted twice in the undirected sum: /2 twice cancels
  for (const [k, v] of cb) cb.set(k, n > 2 ? v / norm : 0);
  return cb;
}

export interface Communities {
  /** Node → community number (0, 1, … in order of each community's smallest node id). */
  membership: Map<string, number>;
  modularity: number;
}

/** Modularity of a partition of the undirected simple graph. */
export function modularity(nodes: readonly string[], edges: readonly SimpleEdge[], membership: Map<string, number>): number {
  const adj = undirectedNeighbours(nodes, edges);
  let m2 = 0;
  for (const s of adj.values()) m2 += s.size;
  if (m2 === 0) return 0;
  const tot = new Map<number, number>();
  let inside = 0;
  for (const [v, ns] of adj) {
    const c = membership.get(v) as number;
    tot.set(c, (tot.get(c) ?? 0) + ns.size);
    for (const w of ns) if (membership.get(w) === c) inside += 1;
  }
  let q = inside / m2;
  for (const t of tot.values()) q -= (t / m2) ** 2;
  return q;
}

/**
 * Louvain community detection (Blondel et al. 2008) on the undirected simple graph: local moving
 * of nodes to the neighbouring community with the best modularity gain, then aggregation, until
 * no move improves modularity. Deterministic (sorted visiting order).
 */
export function louvain(nodes: readonly string[], edges: readonly SimpleEdge[]): Communities {
  const sorted = [...nodes].sort();
  const adj0 = undirectedNeighbours(sorted, edges);
  // Weighted graph on integer ids: weights[i] = Map<j, w> (self-loops hold inner weight after aggregation).
  let weights: Map<number, number>[] = sorted.map((id) => {
    const m = new Map<number, number>();
    for (const w of adj0.get(id) ?? []) m.set(sorted.indexOf(w), 1);
    return m;
  });
  let assignment = sorted.map((_, i) => i); // original node → current super-node
  const m2 = weights.reduce((s, m) => s + [...m.values()].reduce((a, b) => a + b, 0), 0);
  if (m2 === 0) {
    return { membership: new Map(sorted.map((id, i) => [id, i])), modularity: 0 };
  }
  for (let level = 0; level < 20; level++) {
    const n = weights.length;
    const k = weights.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
    const comm = weights.map((_, i) => i);
    const tot = [...k];
    let moved = false;
    for (let pass = 0; pass < 50; pass++) {
      let movedThisPass = false;
      for (let i = 0; i < n; i++) {
        const ci = comm[i];
        const links = new Map<number, number>();
        for (const [j, w] of weights[i]) if (j !== i) links.set(comm[j], (links.get(comm[j]) ?? 0) + w);
        tot[ci] -= k[i];
        let best = ci;
        let bestGain = (links.get(ci) ?? 0) - (tot[ci] * k[i]) / m2;
        for (const [c, w] of [...links].sort((a, b) => a[0] - b[0])) {
          const gain = w - (tot[c] * k[i]) / m2;
          if (gain > bestGain + 1e-12) {
            best = c;
            bestGain = gain;
          }
        }
        tot[best] += k[i];
        if (best !== ci) {
          comm[i] = best;
          movedThisPass = true;
          moved = true;
        }
      }
      if (!movedThisPass) break;
    }
    if (!moved) break;
    // Aggregate communities into super-nodes.
    const renumber = new Map<number, number>();
    for (const c of comm) if (!renumber.has(c)) renumber.set(c, renumber.size);
    const next: Map<number, number>[] = Array.from({ length: renumber.size }, () => new Map<number, number>());
    for (let i = 0; i < n; i++) {
      const ci = renumber.get(comm[i]) as number;
      for (const [j, w] of weights[i]) {
        const cj = renumber.get(comm[j]) as number;
        next[ci].set(cj, (next[ci].get(cj) ?? 0) + w);
      }
    }
    assignment = assignment.map((a) => renumber.get(comm[a]) as number);
    weights = next;
  }
  // Number communities by their smallest member id, for stable output.
  const firstSeen = new Map<number, number>();
  const membership = new Map<string, number>();
  sorted.forEach((id, i) => {
    const c = assignment[i];
    if (!firstSeen.has(c)) firstSeen.set(c, firstSeen.size);
    membership.set(id, firstSeen.get(c) as number);
  });
  return { membership, modularity: modularity(sorted, edges, membership) };
}

export interface PathResult {
  nodeIds: string[];
  edgeIds: string[];
}

/** Adjacency for path search: node → [edge id, neighbour], respecting direction when asked. */
export function pathAdjacency(edges: readonly SimpleEdge[], respectDirection: boolean): Map<string, [string, string][]> {
  const adj = new Map<string, [string, string][]>();
  const add = (a: string, e: string, b: string) => {
    let list = adj.get(a);
    if (!list) adj.set(a, (list = []));
    list.push([e, b]);
  };
  for (const e of [...edges].sort((a, b) => a.id.localeCompare(b.id))) {
    add(e.fromId, e.id, e.toId);
    if (!respectDirection || !e.directed) add(e.toId, e.id, e.fromId);
  }
  return adj;
}

/** Unweighted shortest path by BFS, avoiding removed nodes and edges. */
export function shortestPath(
  adj: Map<string, [string, string][]>,
  from: string,
  to: string,
  maxHops: number,
  removedNodes: Set<string> = new Set(),
  removedEdges: Set<string> = new Set(),
): PathResult | null {
  if (removedNodes.has(from) || removedNodes.has(to)) return null;
  if (from === to) return { nodeIds: [from], edgeIds: [] };
  const parent = new Map<string, [string, string]>([[from, ['', '']]]);
  let frontier = [from];
  for (let depth = 0; depth < maxHops && frontier.length; depth++) {
    const next: string[] = [];
    for (const u of frontier) {
      for (const [e, v] of adj.get(u) ?? []) {
        if (parent.has(v) || removedNodes.has(v) || removedEdges.has(e)) continue;
        parent.set(v, [u, e]);
        if (v === to) {
          const nodeIds = [to];
          const edgeIds: string[] = [];
          let cur = to;
          while (cur !== from) {
            const [prev, edge] = parent.get(cur) as [string, string];
            edgeIds.unshift(edge);
            nodeIds.unshift(prev);
            cur = prev;
          }
          return { nodeIds, edgeIds };
        }
        next.push(v);
      }
    }
    frontier = next;
  }
  return null;
}

/** Yen's k shortest loopless paths (unweighted), each at most `maxHops` long, shortest first. */
export function kShortestPaths(adj: Map<string, [string, string][]>, from: string, to: string, k: number, maxHops: number): PathResult[] {
  const first = shortestPath(adj, from, to, maxHops);
  if (!first) return [];
  const found: PathResult[] = [first];
  const candidates: PathResult[] = [];
  const key = (p: PathResult) => p.edgeIds.join(',');
  const seen = new Set([key(first)]);
  while (found.length < k) {
    const last = found[found.length - 1];
    for (let i = 0; i < last.nodeIds.length - 1; i++) {
      const spur = last.nodeIds[i];
      const rootNodes = last.nodeIds.slice(0, i + 1);
      const rootEdges = last.edgeIds.slice(0, i);
      const removedEdges = new Set<string>();
      for (const p of found) {
        if (p.nodeIds.length > i && p.edgeIds.slice(0, i).join(',') === rootEdges.join(',') && p.nodeIds[i] === spur) removedEdges.add(p.edgeIds[i]);
      }
      const removedNodes = new Set(rootNodes.slice(0, -1));
      const spurPath = shortestPath(adj, spur, to, maxHops - i, removedNodes, removedEdges);
      if (!spurPath) continue;
      const candidate = { nodeIds: [...rootNodes.slice(0, -1), ...spurPath.nodeIds], edgeIds: [...rootEdges, ...spurPath.edgeIds] };
      if (candidate.edgeIds.length > maxHops || seen.has(key(candidate))) continue;
      seen.add(key(candidate));
      candidates.push(candidate);
    }
    if (!candidates.length) break;
    candidates.sort((a, b) => a.edgeIds.length - b.edgeIds.length || key(a).localeCompare(key(b)));
    found.push(candidates.shift() as PathResult);
  }
  return found;
}
