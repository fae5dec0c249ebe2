import { Marking } from '../markings';
import { GraphEdge, LinkTypeInfo, ObjectSummary, PathsResponse } from './analysis-types';

/**
 * The link-analysis working set: what the analyst has brought into view, and what they did
 * with it (selection, pins, hidden nodes, a highlighted path). Immutable: every change returns
 * a new state, so React sees it. Only what the API returned is ever in it — the console never
 * guesses at objects or links the caller may not see.
 */
export interface GraphState {
  nodes: ReadonlyMap<string, ObjectSummary>;
  edges: ReadonlyMap<string, GraphEdge>;
  /** Selected node ids, in the order they were selected (paths go from the first to the second). */
  selected: readonly string[];
  pinned: ReadonlySet<string>;
  hidden: ReadonlySet<string>;
  path: { nodeIds: ReadonlySet<string>; edgeIds: ReadonlySet<string> } | null;
  /** The last expansion hit the API's size limit. */
  truncated: boolean;
}

export const EMPTY_GRAPH: GraphState = { nodes: new Map(), edges: new Map(), selected: [], pinned: new Set(), hidden: new Set(), path: null, truncated: false };

export type GraphAction =
  | { kind: 'reset' }
  | { kind: 'merge'; nodes: ObjectSummary[]; edges: GraphEdge[]; truncated: boolean }
  | { kind: 'path'; response: PathsResponse }
  | { kind: 'toggleSelect'; id: string }
  | { kind: 'select'; ids: string[] }
  | { kind: 'togglePin'; id: string }
  | { kind: 'pin'; id: string }
  | { kind: 'hide'; ids: string[] }
  | { kind: 'showAll' }
  | { kind: 'clearPath' };

/** Adds nodes and edges; an edge is kept only when both its ends are known nodes. */
export function mergeSubgraph(state: GraphState, nodes: ObjectSummary[], edges: GraphEdge[], truncated: boolean): GraphState {
  const nextNodes = new Map(state.nodes);
  for (const node of nodes) nextNodes.set(node.id, { id: node.id, type: node.type, title: node.title, markings: node.markings });
  const nextEdges = new Map(state.edges);
  for (const edge of edges) if (nextNodes.has(edge.fromId) && nextNodes.has(edge.toId)) nextEdges.set(edge.id, edge);
  // A node brought back by an expansion is shown again.
  const hidden = new Set(state.hidden);
  for (const node of nodes) hidden.delete(node.id);
  return { ...state, nodes: nextNodes, edges: nextEdges, hidden, truncated };
}

export function graphReducer(state: GraphState, action: GraphAction): GraphState {
  switch (action.kind) {
    case 'reset':
      return EMPTY_GRAPH;
    case 'merge':
      return mergeSubgraph(state, action.nodes, action.edges, action.truncated);
    case 'path': {
      const merged = mergeSubgraph(state, action.response.nodes, action.response.edges, state.truncated);
      const nodeIds = new Set(action.response.paths.flatMap((p) => p.nodeIds));
      const edgeIds = new Set(action.response.paths.flatMap((p) => p.edgeIds));
      return { ...merged, path: { nodeIds, edgeIds } };
    }
    case 'toggleSelect':
      if (!state.nodes.has(action.id)) return state;
      return { ...state, selected: state.selected.includes(action.id) ? state.selected.filter((id) => id !== action.id) : [...state.selected, action.id] };
    case 'select':
      return { ...state, selected: action.ids.filter((id) => state.nodes.has(id) && !state.hidden.has(id)) };
    case 'togglePin': {
      const pinned = new Set(state.pinned);
      if (!pinned.delete(action.id)) pinned.add(action.id);
      return { ...state, pinned };
    }
    case 'pin':
      return state.pinned.has(action.id) ? state : { ...state, pinned: new Set(state.pinned).add(action.id) };
    case 'hide': {
      const hidden = new Set(state.hidden);
      for (const id of action.ids) if (state.nodes.has(id)) hidden.add(id);
      return { ...state, hidden, selected: state.selected.filter((id) => !hidden.has(id)) };
    }
    case 'showAll':
      return { ...state, hidden: new Set() };
    case 'clearPath':
      return { ...state, path: null };
  }
}

/** The nodes on screen: every known node the analyst has not hidden. */
export function visibleNodes(state: GraphState): ObjectSummary[] {
  return [...state.nodes.values()].filter((n) => !state.hidden.has(n.id));
}

/** The edges on screen: both ends visible. */
export function visibleEdges(state: GraphState): GraphEdge[] {
  return [...state.edges.values()].filter((e) => !state.hidden.has(e.fromId) && !state.hidden.has(e.toId));
}

/** Markings of everything the graph shows, for the classification banners. */
export function displayedMarkings(state: GraphState): Marking[] {
  return [...visibleNodes(state).map((n) => n.markings), ...visibleEdges(state).map((e) => e.markings)];
}

/** Link types that can touch an object of one of these types (ontology `from`/`to`, `*` = any). */
export function linkTypesFor(linkTypes: LinkTypeInfo[], objectTypes: string[]): LinkTypeInfo[] {
  const wanted = new Set(objectTypes);
  const fits = (ends: string[]) => ends.includes('*') || ends.some((t) => wanted.has(t));
  return linkTypes.filter((l) => fits(l.from) || fits(l.to)).sort((a, b) => a.name.localeCompare(b.name));
}

const PALETTE = ['#1f5fa8', '#b3261e', '#0f7b4a', '#7b3fa0', '#a0522d', '#00707a', '#9c2f6e', '#5a6b00', '#3d4bb0', '#8a5a00'];

/** A stable colour per object type (dark enough for white labels' contrast around it). */
export function colourForType(type: string): string {
  let hash = 0;
  for (let i = 0; i < type.length; i++) hash = (hash * 31 + type.charCodeAt(i)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/** `DR/CYBER`, `S/OP-SAPHIR`, `NP`: the short marking shown beside a node. */
export function shortMarking(marking: Marking): string {
  return [marking.level, ...marking.compartments.map((c) => c.toUpperCase())].join('/');
}

/** A node's label on the canvas: title, type and marking (the title placeholder when it is not visible). */
export function nodeLabel(node: ObjectSummary, untitled: string, typeLabel: string = node.type): string {
  return `${node.title ?? untitled} · ${typeLabel} · ${shortMarking(node.markings)}`;
}

/** Neighbours of a node among visible edges (to place newly added nodes near one they touch). */
export function neighboursOf(edges: Iterable<GraphEdge>, id: string): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (e.fromId === id) out.push(e.toId);
    else if (e.toId === id) out.push(e.fromId);
  }
  return out;
}

/**
 * With a time window brushed: is this node/edge outside it? `inWindow` null = no brush.
 * Nodes in the window: those dated in it, and the ends of links dated in it.
 */
export function isDimmed(inWindow: ReadonlySet<string> | null, id: string): boolean {
  return inWindow !== null && !inWindow.has(id);
}
