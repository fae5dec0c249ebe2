import { GraphEdge, LinkTypeInfo, ObjectSummary } from './analysis-types';
import { colourForType, displayedMarkings, EMPTY_GRAPH, graphReducer, isDimmed, linkTypesFor, mergeSubgraph, neighboursOf, nodeLabel, shortMarking, visibleEdges, visibleNodes } from './graph-model';

const node = (id: string, type = 'Person', level: 'NP' | 'DR' | 'S' = 'DR', compartments: string[] = []): ObjectSummary => ({ id, type, title: `T-${id}`, markings: { level, compartments } });
const edge = (id: string, fromId: string, toId: string, type = 'works_for'): GraphEdge => ({ id, type, fromId, toId, directed: true, validFrom: null, validTo: null, markings: { level: 'NP', compartments: [] } });

describe('graph model', () => {
  it('merges subgraphs and keeps an edge only when both its ends are known', () => {
    const s = mergeSubgraph(EMPTY_GRAPH, [node('a'), node('b')], [edge('e1', 'a', 'b'), edge('e2', 'a', 'zz')], false);
    expect([...s.nodes.keys()]).toEqual(['a', 'b']);
    expect([...s.edges.keys()]).toEqual(['e1']);
    const t = mergeSubgraph(s, [node('b', 'Organization'), node('c')], [edge('e3', 'b', 'c')], true);
    expect(t.nodes.size).toBe(3);
    expect(t.nodes.get('b')?.type).toBe('Organization');
    expect(t.truncated).toBe(true);
    expect(s.nodes.size).toBe(2); // the previous state is untouched
  });

  it('selects in order, hides (deselecting) and shows again; a hidden node takes its edges with it', () => {
    let s = graphReducer(EMPTY_GRAPH, { kind: 'merge', nodes: [node('a'), node('b'), node('c')], edges: [edge('e1', 'a', 'b'), edge('e2', 'b', 'c')], truncated: false });
    s = graphReducer(s, { kind: 'toggleSelect', id: 'c' });
    s = graphReducer(s, { kind: 'toggleSelect', id: 'a' });
    s = graphReducer(s, { kind: 'toggleSelect', id: 'unknown' });
    expect(s.selected).toEqual(['c', 'a']);
    s = graphReducer(s, { kind: 'hide', ids: ['c'] });
    expect(s.selected).toEqual(['a']);
    expect(visibleNodes(s).map((n) => n.id)).toEqual(['a', 'b']);
    expect(visibleEdges(s).map((e) => e.id)).toEqual(['e1']);
    s = graphReducer(s, { kind: 'showAll' });
    expect(visibleEdges(s).map((e) => e.id)).toEqual(['e1', 'e2']);
    s = graphReducer(s, { kind: 'toggleSelect', id: 'a' });
    expect(s.selected).toEqual([]);
  });

  it('an expansion that brings a hidden node back shows it again', () => {
    let s = graphReducer(EMPTY_GRAPH, { kind: 'merge', nodes: [node('a'), node('b')], edges: [], truncated: false });
    s = graphReducer(s, { kind: 'hide', ids: ['b'] });
    expect(visibleNodes(s)).toHaveLength(1);
    s = graphReducer(s, { kind: 'merge', nodes: [node('b')], edges: [], truncated: false });
    expect(visibleNodes(s)).toHaveLength(2);
  });

  it('pins and unpins; a drag pins', () => {
    let s = graphReducer(EMPTY_GRAPH, { kind: 'togglePin', id: 'a' });
    expect(s.pinned.has('a')).toBe(true);
    s = graphReducer(s, { kind: 'togglePin', id: 'a' });
    expect(s.pinned.has('a')).toBe(false);
    s = graphReducer(s, { kind: 'pin', id: 'b' });
    expect(graphReducer(s, { kind: 'pin', id: 'b' })).toBe(s);
  });

  it('adds a path answer and highlights its nodes and edges until cleared', () => {
    let s = graphReducer(EMPTY_GRAPH, { kind: 'merge', nodes: [node('a'), node('c')], edges: [], truncated: false });
    s = graphReducer(s, { kind: 'path', response: { paths: [{ nodeIds: ['a', 'b', 'c'], edgeIds: ['e1', 'e2'], length: 2 }], nodes: [node('a'), node('b'), node('c')], edges: [edge('e1', 'a', 'b'), edge('e2', 'b', 'c')], truncated: false } });
    expect(s.nodes.has('b')).toBe(true);
    expect([...(s.path?.nodeIds ?? [])]).toEqual(['a', 'b', 'c']);
    expect([...(s.path?.edgeIds ?? [])]).toEqual(['e1', 'e2']);
    expect(graphReducer(s, { kind: 'clearPath' }).path).toBeNull();
  });

  it('reports the markings of what is on screen only (hidden nodes withdraw theirs)', () => {
    let s = graphReducer(EMPTY_GRAPH, { kind: 'merge', nodes: [node('a', 'Person', 'DR'), node('s', 'Person', 'S', ['op-saphir'])], edges: [], truncated: false });
    expect(displayedMarkings(s).map((m) => m.level).sort()).toEqual(['DR', 'S']);
    s = graphReducer(s, { kind: 'hide', ids: ['s'] });
    expect(displayedMarkings(s).map((m) => m.level)).toEqual(['DR']);
  });

  it('offers the link types that can touch the selected object types (`*` matches any)', () => {
    const types: LinkTypeInfo[] = [
      { name: 'works_for', label: { fr: 'travaille pour', en: 'works for' }, from: ['Person'], to: ['Organization'], directed: true },
      { name: 'called', label: { fr: 'a appelé', en: 'called' }, from: ['Phone'], to: ['Phone'], directed: true },
      { name: 'related_to', label: { fr: 'lié à', en: 'related to' }, from: ['*'], to: ['*'], directed: false },
    ];
    expect(linkTypesFor(types, ['Organization']).map((l) => l.name)).toEqual(['related_to', 'works_for']);
    expect(linkTypesFor(types, ['Phone']).map((l) => l.name)).toEqual(['called', 'related_to']);
  });

  it('labels nodes with title, type and marking; colours are stable per type', () => {
    expect(nodeLabel(node('a', 'Person', 'S', ['op-saphir']), '(untitled)', 'Personne')).toBe('T-a · Personne · S/OP-SAPHIR');
    expect(nodeLabel({ ...node('a'), title: null }, '(untitled)')).toBe('(untitled) · Person · DR');
    expect(shortMarking({ level: 'NP', compartments: [] })).toBe('NP');
    expect(colourForType('Person')).toBe(colourForType('Person'));
    expect(colourForType('Person')).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('finds neighbours and dims what a brushed window leaves out', () => {
    expect(neighboursOf([edge('e1', 'a', 'b'), edge('e2', 'c', 'a'), edge('e3', 'b', 'c')], 'a')).toEqual(['b', 'c']);
    expect(isDimmed(null, 'x')).toBe(false);
    expect(isDimmed(new Set(['a']), 'a')).toBe(false);
    expect(isDimmed(new Set(['a']), 'b')).toBe(true);
  });
});
