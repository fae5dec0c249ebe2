import Graph from 'graphology';
import { circular } from 'graphology-layout';
import { Ref, useEffect, useImperativeHandle, useRef } from 'react';
import Sigma from 'sigma';
import { GraphEdge, ObjectSummary } from '../../lib/analysis/analysis-types';
import { iterationsFor, LayoutJob, LayoutProgress } from '../../lib/analysis/force-layout';
import { colourForType, neighboursOf } from '../../lib/analysis/graph-model';

export type LayoutName = 'force' | 'circular';

/** What the analysis screen asks of the canvas. */
export interface GraphCanvasHandle {
  layout(name: LayoutName): void;
  /** The view as a PNG (every layer composited on white). */
  exportPng(): Promise<Blob>;
  /** Node positions on screen (for the browser tests and keyboard users' zoom-to). */
  focus(id: string): void;
}

export interface GraphCanvasProps {
  nodes: ObjectSummary[];
  edges: GraphEdge[];
  labelOf(node: ObjectSummary): string;
  selected: readonly string[];
  pinned: ReadonlySet<string>;
  dimmed(id: string): boolean;
  path: { nodeIds: ReadonlySet<string>; edgeIds: ReadonlySet<string> } | null;
  onNodeClick(id: string): void;
  onNodeDragged(id: string): void;
  label: string;
  ref?: Ref<GraphCanvasHandle>;
}

/** The camera's resting frame: zoomed out a little and shifted, so the labels (drawn right of their node) fit. */
const FRAME = { x: 0.57, y: 0.5, ratio: 1.2, angle: 0 };
const LIGHTWEIGHT_ABOVE = 1000;
const DIM = '#d5d8dc';
const EDGE = '#8a9099';
const PATH = '#d35400';

/**
 * The link-analysis canvas: sigma.js (WebGL) over a graphology graph, so thousands of nodes
 * stay fluid. New nodes appear next to a node they touch; layouts are ForceAtlas2 (pinned nodes
 * stay put) and circular. Dragging a node pins it there.
 */
export function GraphCanvas({ nodes, edges, labelOf, selected, pinned, dimmed, path, onNodeClick, onNodeDragged, label, ref }: GraphCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const graphRef = useRef<Graph | null>(null);
  const sigmaRef = useRef<Sigma | null>(null);
  const workerRef = useRef<Worker | null>(null);
  const layoutJob = useRef<LayoutJob | null>(null);
  const jobCount = useRef(0);
  const layoutIndex = useRef(new Map<string, number>());
  /** While a large graph settles, only its nodes are drawn (labels and edges cost most per frame). */
  const lightweight = useRef(false);
  // The latest props, read by sigma's reducers and event handlers without re-creating sigma.
  const props = useRef({ selected, pinned, dimmed, path, onNodeClick, onNodeDragged });
  props.current = { selected, pinned, dimmed, path, onNodeClick, onNodeDragged };

  /** Sends the graph to the layout worker (a newer job replaces one still running). */
  const startForce = () => {
    const graph = graphRef.current;
    if (!graph || !workerRef.current || graph.order === 0) return;
    const job: LayoutJob = {
      job: ++jobCount.current,
      nodes: graph.mapNodes((id, a) => ({ id, x: a['x'] as number, y: a['y'] as number, fixed: props.current.pinned.has(id) })),
      edges: graph.mapEdges((_e, _a, from, to) => [from, to] as [string, string]),
      iterations: iterationsFor(graph.order),
    };
    layoutJob.current = job;
    layoutIndex.current = new Map(job.nodes.map((n, i) => [n.id, i]));
    if (container.current) container.current.dataset['layout'] = 'running';
    if (graph.order > LIGHTWEIGHT_ABOVE && sigmaRef.current) {
      lightweight.current = true;
      sigmaRef.current.setSetting('renderLabels', false);
    }
    workerRef.current.postMessage(job);
  };

  useEffect(() => {
    if (!container.current) return;
    const graph = new Graph({ multi: true, type: 'mixed' });
    const renderer = new Sigma(graph, container.current, {
      renderEdgeLabels: false,
      // Room for the labels, which are drawn to the right of their node.
      stagePadding: 60,
      defaultEdgeType: 'line',
      labelRenderedSizeThreshold: 4,
      labelFont: 'system-ui, sans-serif',
      labelColor: { color: '#1b1f24' },
      zIndex: true,
      nodeReducer: (node, data) => {
        const p = props.current;
        const out = { ...data };
        // Outside a brushed window: greyed, unlabelled, never highlighted.
        if (p.dimmed(node)) return { ...out, color: DIM, label: '', zIndex: 0, highlighted: false };
        if (p.path?.nodeIds.has(node)) Object.assign(out, { highlighted: true, zIndex: 2 });
        if (p.selected.includes(node)) Object.assign(out, { highlighted: true, size: (data['size'] as number) * 1.4, zIndex: 3 });
        return out;
      },
      edgeReducer: (edge, data) => {
        const p = props.current;
        if (lightweight.current) return { ...data, hidden: true };
        const out = { ...data };
        if (p.path?.edgeIds.has(edge)) Object.assign(out, { color: PATH, size: 3, zIndex: 2 });
        const [from, to] = graph.extremities(edge);
        if (p.dimmed(edge) && (p.dimmed(from) || p.dimmed(to))) Object.assign(out, { color: DIM, zIndex: 0 });
        return out;
      },
    });
    renderer.getCamera().setState(FRAME);
    let dragged: string | null = null;
    renderer.on('clickNode', ({ node }) => props.current.onNodeClick(node));
    renderer.on('downNode', ({ node }) => {
      dragged = node;
      renderer.getCamera().disable();
    });
    renderer.getMouseCaptor().on('mousemovebody', (event) => {
      if (!dragged) return;
      const pos = renderer.viewportToGraph(event);
      graph.mergeNodeAttributes(dragged, { x: pos.x, y: pos.y, fixed: true });
      event.preventSigmaDefault();
      event.original.preventDefault();
      event.original.stopPropagation();
    });
    renderer.getMouseCaptor().on('mouseup', () => {
      if (dragged) props.current.onNodeDragged(dragged);
      dragged = null;
      renderer.getCamera().enable();
    });
    // Force-directed layouts run in a worker; each answer moves the nodes that are not pinned.
    const worker = new Worker(new URL('./force-layout.worker.ts', import.meta.url), { type: 'module' });
    // Answers are applied at most once per frame, in one pass over the graph (one event, one render).
    let pending: LayoutProgress | null = null;
    const apply = () => {
      const job = layoutJob.current;
      const progress = pending;
      pending = null;
      if (!job || !progress || progress.job !== job.job) return;
      const p = progress.positions;
      const index = layoutIndex.current;
      const pinned = props.current.pinned;
      graph.updateEachNodeAttributes(
        (id, attributes) => {
          const i = index.get(id);
          return i === undefined || pinned.has(id) ? attributes : { ...attributes, x: p[i * 2], y: p[i * 2 + 1] };
        },
        { attributes: ['x', 'y'] },
      );
      if (progress.done) {
        layoutJob.current = null;
        if (container.current) container.current.dataset['layout'] = 'idle';
        // Labels and edges come back once the nodes have settled.
        lightweight.current = false;
        renderer.setSetting('renderLabels', true);
      }
    };
    worker.onmessage = (event: MessageEvent<LayoutProgress>) => {
      if (pending === null) requestAnimationFrame(apply);
      pending = event.data;
    };
    workerRef.current = worker;
    graphRef.current = graph;
    sigmaRef.current = renderer;
    return () => {
      worker.terminate();
      workerRef.current = null;
      renderer.kill();
      sigmaRef.current = null;
      graphRef.current = null;
    };
  }, []);

  // Sync the graph with the working set: add what is new (near a neighbour), drop what left.
  useEffect(() => {
    const graph = graphRef.current;
    if (!graph) return;
    const wanted = new Map(nodes.map((n) => [n.id, n]));
    graph.forEachNode((id) => {
      if (!wanted.has(id)) graph.dropNode(id);
    });
    const fresh: string[] = [];
    for (const node of nodes) {
      const attributes = { label: labelOf(node), color: colourForType(node.type), size: 7, nodeType: node.type };
      if (graph.hasNode(node.id)) graph.mergeNodeAttributes(node.id, attributes);
      else {
        graph.addNode(node.id, { ...attributes, x: 0, y: 0 });
        fresh.push(node.id);
      }
    }
    const wantedEdges = new Set(edges.map((e) => e.id));
    graph.forEachEdge((id) => {
      if (!wantedEdges.has(id)) graph.dropEdge(id);
    });
    for (const edge of edges) {
      if (graph.hasEdge(edge.id) || !graph.hasNode(edge.fromId) || !graph.hasNode(edge.toId)) continue;
      const attributes = { color: EDGE, size: 1.5, linkType: edge.type, type: edge.directed ? 'arrow' : 'line' };
      if (edge.directed) graph.addDirectedEdgeWithKey(edge.id, edge.fromId, edge.toId, attributes);
      else graph.addUndirectedEdgeWithKey(edge.id, edge.fromId, edge.toId, attributes);
    }
    if (fresh.length > 0) {
      const placed = new Set(graph.nodes().filter((id) => !fresh.includes(id)));
      const spread = Math.max(1, Math.sqrt(graph.order));
      for (const id of fresh) {
        const anchor = neighboursOf(edges, id).find((n) => placed.has(n));
        const angle = Math.random() * Math.PI * 2;
        if (anchor) {
          const a = graph.getNodeAttributes(anchor);
          graph.mergeNodeAttributes(id, { x: (a['x'] as number) + Math.cos(angle), y: (a['y'] as number) + Math.sin(angle) });
        } else {
          graph.mergeNodeAttributes(id, { x: Math.cos(angle) * spread * Math.random(), y: Math.sin(angle) * spread * Math.random() });
        }
        placed.add(id);
      }
    }
    sigmaRef.current?.refresh();
    // A first view gets a force-directed layout (once drawn); later additions stay near their anchor.
    if (fresh.length > 0 && fresh.length === graph.order) startForce();
  }, [nodes, edges, labelOf]);

  useEffect(() => {
    const graph = graphRef.current;
    if (!graph) return;
    graph.forEachNode((id) => graph.setNodeAttribute(id, 'fixed', pinned.has(id)));
    sigmaRef.current?.refresh();
  }, [pinned, selected, dimmed, path]);

  useImperativeHandle(
    ref,
    () => ({
      layout(name) {
        const graph = graphRef.current;
        if (!graph) return;
        if (name === 'force') startForce();
        else {
          layoutJob.current = null;
          if (container.current) container.current.dataset['layout'] = 'idle';
          circularLayout(graph, props.current.pinned);
          sigmaRef.current?.refresh();
        }
        sigmaRef.current?.getCamera().animate(FRAME, { duration: 200 });
      },
      exportPng() {
        const renderer = sigmaRef.current;
        if (!renderer) return Promise.reject(new Error('graph: nothing to export'));
        // WebGL layers keep no buffer between frames: render now and copy in the same task.
        renderer.refresh();
        const layers = renderer.getCanvases();
        const { width, height } = renderer.getDimensions();
        const ratio = window.devicePixelRatio || 1;
        const out = document.createElement('canvas');
        out.width = Math.round(width * ratio);
        out.height = Math.round(height * ratio);
        const ctx = out.getContext('2d');
        if (!ctx) return Promise.reject(new Error('graph: no 2D canvas for the export'));
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, out.width, out.height);
        for (const layer of ['edges', 'nodes', 'edgeLabels', 'labels', 'hovers', 'hoverNodes'])
          if (layers[layer]) ctx.drawImage(layers[layer], 0, 0, out.width, out.height);
        return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('graph: the PNG could not be made'))), 'image/png'));
      },
      focus(id) {
        const renderer = sigmaRef.current;
        const graph = graphRef.current;
        if (!renderer || !graph?.hasNode(id)) return;
        const display = renderer.getNodeDisplayData(id);
        if (display) renderer.getCamera().animate({ x: display.x, y: display.y, ratio: 0.5 }, { duration: 200 });
      },
    }),
    [],
  );

  return <div ref={container} className="graph-canvas" role="img" aria-label={label} data-layout="idle" />;
}

function circularLayout(graph: Graph, pinned: ReadonlySet<string>): void {
  if (graph.order === 0) return;
  const keep = new Map<string, { x: number; y: number }>();
  graph.forEachNode((id, a) => {
    if (pinned.has(id)) keep.set(id, { x: a['x'] as number, y: a['y'] as number });
  });
  circular.assign(graph, { scale: Math.max(10, Math.sqrt(graph.order) * 5) });
  for (const [id, pos] of keep) graph.mergeNodeAttributes(id, pos);
}
