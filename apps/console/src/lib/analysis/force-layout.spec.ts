import { batchFor, iterationsFor, LayoutJob, LayoutProgress, runLayoutJob } from './force-layout';

function job(n: number, fixed: string[] = []): LayoutJob {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, x: Math.cos(i) * 10, y: Math.sin(i) * 10, fixed: fixed.includes(`n${i}`) }));
  const edges = nodes.slice(1).map((node, i) => [node.id, nodes[Math.floor(i / 2)].id] as [string, string]);
  return { job: 1, nodes, edges, iterations: 40 };
}

describe('force layout (worker side)', () => {
  it('runs in batches, each posting every node’s position, the last one marked done', () => {
    const posts: LayoutProgress[] = [];
    runLayoutJob(job(30), (p) => posts.push(p), (f) => f(), () => true);
    expect(posts).toHaveLength(Math.ceil(40 / batchFor(30)));
    expect(posts.every((p) => p.positions.length === 60 && p.positions.every(Number.isFinite))).toBe(true);
    expect(posts.map((p) => p.done)).toEqual([...posts.slice(1).map(() => false), true]);
    expect(Array.from(posts[posts.length - 1].positions)).not.toEqual(Array.from(posts[0].positions));
  });

  it('never moves a pinned node (positions are float32 inside ForceAtlas2)', () => {
    const input = job(20, ['n3']);
    const posts: LayoutProgress[] = [];
    runLayoutJob(input, (p) => posts.push(p), (f) => f(), () => true);
    const last = posts[posts.length - 1].positions;
    expect(last[6]).toBeCloseTo(input.nodes[3].x, 4);
    expect(last[7]).toBeCloseTo(input.nodes[3].y, 4);
  });

  it('stops when a newer job replaces it', () => {
    const posts: LayoutProgress[] = [];
    let wanted = true;
    runLayoutJob(job(30), (p) => ((wanted = false), posts.push(p)), (f) => f(), () => wanted);
    expect(posts).toHaveLength(1);
    expect(posts[0].done).toBe(false);
  });

  it('does fewer iterations, in smaller batches, as the graph grows', () => {
    expect(iterationsFor(100)).toBeGreaterThan(iterationsFor(1000));
    expect(iterationsFor(1000)).toBeGreaterThan(iterationsFor(5000));
    expect(batchFor(5000)).toBeLessThan(batchFor(100));
  });
});
