import { ResolutionReason } from '@vigie/ontology-contracts';
import { BlockingStats, candidatePairs } from './blocking';
import { buildNameFrequencies, MIN_RECORDS_FOR_FREQUENCIES, NameFrequencies } from './name-frequency';
import { contradicts, prepareRecord, PreparedRecord, ResolutionRecord } from './resolution-record';
import { scorePrepared, scoreReaching } from './resolution-scorer';

/** Scores at or above `merge` merge automatically; scores in [`review`, `merge`) go to the review queue. */
export interface ResolutionThresholds {
  merge: number;
  review: number;
}

export const DEFAULT_THRESHOLDS: Readonly<ResolutionThresholds> = Object.freeze({ merge: 0.9, review: 0.6 });

export interface ResolveOptions {
  thresholds?: ResolutionThresholds;
  maxBlockSize?: number;
  /** Compare every pair (n(n-1)/2) instead of blocking: a baseline for small sets and benchmarks. */
  exhaustive?: boolean;
  /**
   * How common name tokens are. Default: counted over the batch when it holds at least
   * `MIN_RECORDS_FOR_FREQUENCIES` records; `false` to ignore frequencies.
   */
  nameFrequencies?: NameFrequencies | false;
  /**
   * Ids of the records being resolved: only pairs with at least one of them are scored, and only
   * clusters and review pairs holding one of them are returned. The other records are candidates
   * already stored (and already compared with each other when written). Default: every record.
   * Applies to blocking, not to `exhaustive`.
   */
  anchorIds?: ReadonlySet<string>;
}

export interface ScoredPair {
  a: string;
  b: string;
  score: number;
  reasons: ResolutionReason[];
}

export interface MergeCluster {
  /** The member chosen as canonical: the one with the most evidence (identifiers, date, names), then the smallest id. */
  canonicalId: string;
  memberIds: string[];
  /** The pairs that joined the cluster (a spanning tree), with their scores and reasons. */
  edges: ScoredPair[];
}

export interface ResolveResult {
  clusters: MergeCluster[];
  reviews: ScoredPair[];
  stats: BlockingStats & {
    records: number;
    comparisons: number;
    mergeEdges: number;
    /** Merges refused because the two clusters contradict each other (sent to review instead). */
    blockedByConflict: number;
    clusters: number;
    reviews: number;
    durationMs: number;
  };
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[x] !== r) {
      const next = this.parent[x];
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
}

function evidence(r: PreparedRecord): number {
  let e = r.names.length;
  if (r.birthDate?.d) e += 3;
  else if (r.birthDate) e += 1;
  if (r.place) e += 1;
  for (const v of r.strong.values()) e += 2 * v.size;
  for (const v of r.weak.values()) e += v.size;
  return e;
}

/**
 * Batch entity resolution: blocking, pairwise scoring of candidates, then merge clusters by
 * union-find over the pairs above the merge threshold, best score first. A merge that would
 * join two clusters holding contradicting records (different birth dates, national IDs,
 * genders) is not made: the pair goes to review. Pairs in the review band whose records did
 * not end up in one cluster are returned for the review queue.
 */
export function resolve(records: ResolutionRecord[], options: ResolveOptions = {}): ResolveResult {
  const started = performance.now();
  checkThresholds(options);
  return resolveFrom(records.map(prepareRecord), options, started);
}

/**
 * `resolve` on records prepared already (`prepareRecord`) — a caller that keeps the prepared form
 * of stored records (they are candidates of many new ones) does not prepare them again.
 */
export function resolvePrepared(prepared: PreparedRecord[], options: ResolveOptions = {}): ResolveResult {
  const started = performance.now();
  checkThresholds(options);
  return resolveFrom(prepared, options, started);
}

function checkThresholds(options: ResolveOptions): void {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  if (!(thresholds.review <= thresholds.merge)) throw new RangeError('the review threshold must not exceed the merge threshold');
}

function resolveFrom(prepared: PreparedRecord[], options: ResolveOptions, started: number): ResolveResult {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const anchors = options.anchorIds ? new Set(prepared.flatMap((r, i) => (options.anchorIds?.has(r.id) ? [i] : []))) : undefined;
  const { pairs, stats } = options.exhaustive ? allPairs(prepared.length) : candidatePairs(prepared, { maxBlockSize: options.maxBlockSize, anchors });

  const frequencies =
    options.nameFrequencies === false
      ? undefined
      : (options.nameFrequencies ?? (prepared.length >= MIN_RECORDS_FOR_FREQUENCIES ? buildNameFrequencies(prepared) : undefined));

  const merges: { i: number; j: number; score: number; reasons: ResolutionReason[] }[] = [];
  const middle: { i: number; j: number; score: number; reasons: ResolutionReason[] }[] = [];
  for (let k = 0; k < pairs.length; k += 2) {
    const i = pairs[k];
    const j = pairs[k + 1];
    // Pairs that cannot reach the review band are dropped before their names are compared.
    const quick = scoreReaching(prepared[i], prepared[j], thresholds.review, frequencies);
    if (!quick || quick.score < thresholds.review) continue;
    const s = scorePrepared(prepared[i], prepared[j], frequencies, true);
    if (s.score >= thresholds.merge && !s.reviewOnly) merges.push({ i, j, score: s.score, reasons: s.reasons });
    else middle.push({ i, j, score: s.score, reasons: s.reasons });
  }

  merges.sort((x, y) => y.score - x.score);
  const uf = new UnionFind(prepared.length);
  const members = new Map<number, number[]>();
  const membersOf = (root: number) => members.get(root) ?? [root];
  const edges = new Map<number, ScoredPair[]>();
  let blockedByConflict = 0;
  for (const m of merges) {
    const ri = uf.find(m.i);
    const rj = uf.find(m.j);
    if (ri === rj) continue;
    const left = membersOf(ri);
    const right = membersOf(rj);
    const conflict = left.some((x) => right.some((y) => contradicts(prepared[x], prepared[y]) !== undefined));
    if (conflict) {
      blockedByConflict++;
      middle.push(m);
      continue;
    }
    uf.parent[rj] = ri;
    members.set(ri, [...left, ...right]);
    members.delete(rj);
    const joined = [...(edges.get(ri) ?? []), ...(edges.get(rj) ?? []), { a: prepared[m.i].id, b: prepared[m.j].id, score: m.score, reasons: m.reasons }];
    edges.set(ri, joined);
    edges.delete(rj);
  }

  const clusters: MergeCluster[] = [];
  for (const [root, list] of members) {
    const sorted = [...list].sort((x, y) => evidence(prepared[y]) - evidence(prepared[x]) || (prepared[x].id < prepared[y].id ? -1 : 1));
    clusters.push({ canonicalId: prepared[sorted[0]].id, memberIds: list.map((x) => prepared[x].id), edges: edges.get(root) ?? [] });
  }
  const reviews = middle
    .filter((p) => uf.find(p.i) !== uf.find(p.j))
    .sort((x, y) => y.score - x.score)
    .map((p) => ({ a: prepared[p.i].id, b: prepared[p.j].id, score: p.score, reasons: p.reasons }));

  return {
    clusters,
    reviews,
    stats: {
      ...stats,
      records: prepared.length,
      comparisons: pairs.length / 2,
      mergeEdges: merges.length,
      blockedByConflict,
      clusters: clusters.length,
      reviews: reviews.length,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

function allPairs(n: number): { pairs: Uint32Array; stats: BlockingStats } {
  const total = (n * (n - 1)) / 2;
  const pairs = new Uint32Array(total * 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      pairs[k++] = i;
      pairs[k++] = j;
    }
  }
  return { pairs, stats: { blocks: 1, oversizedBlocks: 0, candidatePairs: total, totalPairs: total, reductionRatio: 0 } };
}
