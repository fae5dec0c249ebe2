import { TimelineBucket, TimelineBucketCount, TimelineItem } from './analysis-types';

/** Most bars drawn: past that, empty buckets between dated ones are not filled in. */
export const MAX_FILLED_BUCKETS = 1000;

/** The start of the bucket after the one starting at `start` (UTC, as the API buckets). */
export function nextBucketStart(start: string, bucket: TimelineBucket): string {
  const d = new Date(start);
  if (Number.isNaN(d.getTime())) throw new Error(`timeline: bucket start "${start}" is not a date`);
  switch (bucket) {
    case 'hour':
      d.setUTCHours(d.getUTCHours() + 1);
      break;
    case 'day':
      d.setUTCDate(d.getUTCDate() + 1);
      break;
    case 'week':
      d.setUTCDate(d.getUTCDate() + 7);
      break;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + 1);
      break;
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + 1);
      break;
  }
  return d.toISOString();
}

/**
 * The histogram's bars: the API's buckets in time order with the empty ones between them
 * filled in (so that bar positions are proportional to time), unless that would draw more
 * than MAX_FILLED_BUCKETS bars.
 */
export function histogramBars(buckets: TimelineBucketCount[], bucket: TimelineBucket): TimelineBucketCount[] {
  const sorted = [...buckets].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).map((b) => ({ ...b, start: new Date(b.start).toISOString() }));
  if (sorted.length < 2) return sorted;
  const byStart = new Map(sorted.map((b) => [b.start, b]));
  const last = sorted[sorted.length - 1].start;
  const filled: TimelineBucketCount[] = [];
  for (let start = sorted[0].start; Date.parse(start) <= Date.parse(last); start = nextBucketStart(start, bucket)) {
    filled.push(byStart.get(start) ?? { start, objects: 0, links: 0 });
    if (filled.length > MAX_FILLED_BUCKETS) return sorted;
  }
  return filled;
}

/** The time window covered by bars `first..last` (inclusive): from the first's start to just before the bucket after the last. */
export function windowOf(bars: TimelineBucketCount[], first: number, last: number, bucket: TimelineBucket): { from: string; to: string } {
  if (bars.length === 0) throw new Error('timeline: no bars to brush');
  const lo = Math.max(0, Math.min(first, last));
  const hi = Math.min(bars.length - 1, Math.max(first, last));
  const end = new Date(Date.parse(nextBucketStart(bars[hi].start, bucket)) - 1);
  return { from: bars[lo].start, to: end.toISOString() };
}

/** Which bar a horizontal position (0..width) falls on. */
export function barAt(x: number, width: number, count: number): number {
  if (count <= 0 || width <= 0) return 0;
  return Math.max(0, Math.min(count - 1, Math.floor((x / width) * count)));
}

/** The ids a brushed window keeps: dated objects in it, links dated in it and both their ends. */
export function idsInWindow(items: TimelineItem[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) {
    ids.add(item.id);
    if (item.kind === 'link') {
      if (item.fromId) ids.add(item.fromId);
      if (item.toId) ids.add(item.toId);
    }
  }
  return ids;
}

/** The tallest bar's total (at least 1, so heights never divide by zero). */
export function maxCount(bars: TimelineBucketCount[]): number {
  return Math.max(1, ...bars.map((b) => b.objects + b.links));
}
