import { barAt, histogramBars, idsInWindow, MAX_FILLED_BUCKETS, maxCount, nextBucketStart, windowOf } from './timeline-model';

describe('timeline model', () => {
  it('steps buckets in UTC', () => {
    expect(nextBucketStart('2024-01-31T00:00:00.000Z', 'day')).toBe('2024-02-01T00:00:00.000Z');
    expect(nextBucketStart('2024-01-01T00:00:00.000Z', 'month')).toBe('2024-02-01T00:00:00.000Z');
    expect(nextBucketStart('2024-12-01T00:00:00.000Z', 'month')).toBe('2025-01-01T00:00:00.000Z');
    expect(nextBucketStart('2024-01-01T00:00:00.000Z', 'week')).toBe('2024-01-08T00:00:00.000Z');
    expect(nextBucketStart('2024-01-01T23:00:00.000Z', 'hour')).toBe('2024-01-02T00:00:00.000Z');
    expect(nextBucketStart('2024-01-01T00:00:00.000Z', 'year')).toBe('2025-01-01T00:00:00.000Z');
    expect(() => nextBucketStart('soon', 'day')).toThrow('bucket start "soon" is not a date');
  });

  it('orders the buckets and fills the empty ones between them', () => {
    const bars = histogramBars(
      [
        { start: '2024-04-01T00:00:00Z', objects: 1, links: 2 },
        { start: '2024-01-01T00:00:00.000Z', objects: 3, links: 0 },
      ],
      'month',
    );
    expect(bars.map((b) => b.start.slice(0, 7))).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    expect(bars.map((b) => b.objects + b.links)).toEqual([3, 0, 0, 3]);
    expect(maxCount(bars)).toBe(3);
    expect(maxCount([])).toBe(1);
  });

  it('does not fill past the bar limit (keeps the dated buckets only)', () => {
    const bars = histogramBars(
      [
        { start: '1900-01-01T00:00:00.000Z', objects: 1, links: 0 },
        { start: '2024-01-01T00:00:00.000Z', objects: 1, links: 0 },
      ],
      'day',
    );
    expect(bars).toHaveLength(2);
    expect(MAX_FILLED_BUCKETS).toBeLessThan(45000);
  });

  it('turns a brush over bars into a window ending just before the next bucket', () => {
    const bars = histogramBars([{ start: '2024-01-01T00:00:00.000Z', objects: 1, links: 0 }, { start: '2024-03-01T00:00:00.000Z', objects: 1, links: 0 }], 'month');
    expect(windowOf(bars, 1, 1, 'month')).toEqual({ from: '2024-02-01T00:00:00.000Z', to: '2024-02-29T23:59:59.999Z' });
    expect(windowOf(bars, 2, 0, 'month')).toEqual({ from: '2024-01-01T00:00:00.000Z', to: '2024-03-31T23:59:59.999Z' });
    expect(() => windowOf([], 0, 0, 'day')).toThrow('no bars');
  });

  it('maps a pointer position to a bar, clamped', () => {
    expect(barAt(0, 100, 4)).toBe(0);
    expect(barAt(49, 100, 4)).toBe(1);
    expect(barAt(100, 100, 4)).toBe(3);
    expect(barAt(-5, 100, 4)).toBe(0);
    expect(barAt(10, 0, 4)).toBe(0);
  });

  it('keeps dated objects and both ends of dated links', () => {
    const ids = idsInWindow([
      { kind: 'object', id: 'o1', type: 'Event', at: '2024-01-01', title: 'x', fromId: null, toId: null },
      { kind: 'link', id: 'l1', type: 'works_for', at: '2024-01-02', title: null, fromId: 'p1', toId: 'org1' },
    ]);
    expect([...ids].sort()).toEqual(['l1', 'o1', 'org1', 'p1']);
  });
});
