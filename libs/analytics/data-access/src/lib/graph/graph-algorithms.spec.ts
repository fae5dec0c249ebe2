import { betweenness, degrees, kShortestPaths, louvain, modularity, pathAdjacency, SimpleEdge, shortestPath } from './graph-algorithms';

const e = (id: string, a: string, b: string, directed = false): SimpleEdge => ({ id, fromId: a, toId: b, directed });
// A 5-cycle A-B-C-D-E, D bridging to the triangle F-G-H. Hand-checked values in the comments.
const nodes = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const edges = [e('ab', 'A', 'B'), e('bc', 'B', 'C'), e('cd', 'C', 'D'), e('ae', 'A', 'E'), e('ed', 'E', 'D'), e('df', 'D', 'F'), e('fg', 'F', 'G'), e('gh', 'G', 'H'), e('hf', 'H', 'F')];

describe('graph algorithms', () => {
  it('counts degrees inside the subgraph', () => {
    const d = degrees(nodes, edges);
    expect(d.get('D')).toBe(3);
    expect(d.get('F')).toBe(3);
    expect(d.get('A')).toBe(2);
    expect(degrees(['A', 'B'], edges).get('A')).toBe(1); // the A-E link leaves the subgraph
  });

  it('computes normalised betweenness (Brandes)', () => {
    const bc = betweenness(nodes, edges);
    // D: 12 pairs across the bridge + C–E through D = 13 of 21 pairs; F: 10 of 21.
    expect(bc.get('D')).toBeCloseTo(13 / 21, 6);
    expect(bc.get('F')).toBeCloseTo(10 / 21, 6);
    expect(bc.get('G')).toBe(0);
    // Star: the centre lies on every path between leaves.
    expect(betweenness(['c', 'x', 'y', 'z'], [e('1', 'c', 'x'), e('2', 'c', 'y'), e('3', 'c', 'z')]).get('c')).toBe(1);
  });

  it('finds the two communities with Louvain and a positive modularity', () => {
    const { membership, modularity: q } = louvain(nodes, edges);
    expect(new Set(['F', 'G', 'H'].map((n) => membership.get(n))).size).toBe(1);
    expect(new Set(['A', 'B', 'C', 'E'].map((n) => membership.get(n))).size).toBe(1);
    expect(membership.get('A')).not.toBe(membership.get('G'));
    expect(q).toBeGreaterThan(0.2);
    expect(q).toBeCloseTo(modularity(nodes, edges, membership), 9);
  });

  it('finds shortest and k shortest loopless paths, respecting direction when asked', () => {
    const adj = pathAdjacency(edges, false);
    expect(shortestPath(adj, 'A', 'G', 6)?.nodeIds).toEqual(['A', 'E', 'D', 'F', 'G']);
    expect(shortestPath(adj, 'A', 'G', 3)).toBeNull();
    const three = kShortestPaths(adj, 'A', 'G', 3, 5);
    expect(three.map((p) => p.nodeIds.join(''))).toEqual(['AEDFG', 'ABCDFG', 'AEDFHG']);
    const directed = pathAdjacency([e('1', 'x', 'y', true), e('2', 'y', 'z', true)], true);
    expect(shortestPath(directed, 'x', 'z', 3)?.edgeIds).toEqual(['1', '2']);
    expect(shortestPath(directed, 'z', 'x', 3)).toBeNull();
  });
});
