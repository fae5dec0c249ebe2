import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

/** What the layout worker is given: positions, pins and the links between the nodes. */
export interface LayoutJob {
  job: number;
  nodes: { id: string; x: number; y: number; fixed: boolean }[];
  edges: [string, string][];
  iterations: number;
}

/** What it sends back after each batch of iterations: x/y pairs in the job's node order. */
export interface LayoutProgress {
  job: number;
  positions: Float64Array;
  done: boolean;
}

/** Iterations for a force-directed layout: fewer as the graph grows (each costs O(n log n) with Barnes-Hut). */
export function iterationsFor(order: number): number {
  return order > 2000 ? 60 : order > 500 ? 120 : 200;
}

/** Iterations per batch: a batch is one progress message (the canvas animates between them). */
export function batchFor(order: number): number {
  return order > 2000 ? 2 : order > 500 ? 5 : 20;
}

export function layoutGraph(job: LayoutJob): Graph {
  const graph = new Graph({ multi: true, type: 'undirected' });
  for (const n of job.nodes) if (!graph.hasNode(n.id)) graph.addNode(n.id, { x: n.x, y: n.y, fixed: n.fixed, size: 7 });
  for (const [a, b] of job.edges) if (a !== b && graph.hasNode(a) && graph.hasNode(b)) graph.addEdge(a, b);
  return graph;
}

/** Runs `iterations` ForceAtlas2 iterations; pinned (`fixed`) nodes do not move. */
export function forceStep(graph: Graph, iterations: number): void {
  if (graph.order === 0) return;
  forceAtlas2.assign(graph, { iterations, settings: { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 300 } });
}

export function positionsOf(graph: Graph, ids: string[]): Float64Array {
  const out = new Float64Array(ids.length * 2);
  ids.forEach((id, i) => {
    out[i * 2] = graph.getNodeAttribute(id, 'x') as number;
    out[i * 2 + 1] = graph.getNodeAttribute(id, 'y') as number;
  });
  return out;
}

/**
 * Runs a job batch by batch, calling `post` after each; `next` schedules the following batch
 * (a timer in the worker, so that a newer job can arrive in between) and `current` says whether
 * this job is still the one wanted.
 */
export function runLayoutJob(job: LayoutJob, post: (p: LayoutProgress) => void, next: (f: () => void) => void, current: () => boolean): void {
  const graph = layoutGraph(job);
  const ids = job.nodes.map((n) => n.id);
  const batch = batchFor(graph.order);
  let left = job.iterations;
  const step = () => {
    if (!current()) return;
    const n = Math.min(batch, left);
    forceStep(graph, n);
    left -= n;
    post({ job: job.job, positions: positionsOf(graph, ids), done: left <= 0 });
    if (left > 0) next(step);
  };
  step();
}
