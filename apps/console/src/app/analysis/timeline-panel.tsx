import { PointerEvent, useId, useRef, useState } from 'react';
import { TIMELINE_BUCKETS, TimelineBucket, TimelineBucketCount } from '../../lib/analysis/analysis-types';
import { barAt, maxCount, windowOf } from '../../lib/analysis/timeline-model';
import { useI18n } from '../i18n-context';

export interface Brush {
  first: number;
  last: number;
}

export interface TimelinePanelProps {
  bars: TimelineBucketCount[];
  bucket: TimelineBucket;
  onBucket(bucket: TimelineBucket): void;
  brush: Brush | null;
  /** A new brush (bar indexes, inclusive), or null to clear it. */
  onBrush(brush: Brush | null): void;
  /** How many ids the brushed window keeps (null while unknown). */
  inWindow: number | null;
}

const WIDTH = 1000;
const HEIGHT = 120;

/**
 * Histogram of the dated objects and links of the entities in view, with a brush. The brush is
 * drawn with the mouse on the chart, or set with two labelled range inputs (keyboard).
 */
export function TimelinePanel({ bars, bucket, onBucket, brush, onBrush, inWindow }: TimelinePanelProps) {
  const { t, date, number } = useI18n();
  const ids = useId();
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<number | null>(null);
  const max = maxCount(bars);
  const barWidth = bars.length ? WIDTH / bars.length : WIDTH;

  const indexAt = (event: PointerEvent<SVGSVGElement>) => {
    const rect = svg.current?.getBoundingClientRect();
    return barAt(event.clientX - (rect?.left ?? 0), rect?.width ?? 0, bars.length);
  };
  const span = brush && bars.length ? windowOf(bars, brush.first, brush.last, bucket) : null;

  return (
    <section className="timeline-panel" aria-labelledby={`${ids}-title`}>
      <div className="panel-head">
        <h2 id={`${ids}-title`}>{t('analysis.timeline')}</h2>
        <label>
          {t('analysis.bucket')}{' '}
          <select value={bucket} onChange={(e) => onBucket(e.target.value as TimelineBucket)}>
            {TIMELINE_BUCKETS.map((b) => (
              <option key={b} value={b}>
                {t(`analysis.bucket.${b}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {bars.length === 0 ? (
        <p>{t('analysis.noDates')}</p>
      ) : (
        <>
          <svg
            ref={svg}
            className="timeline-chart"
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={t('analysis.histogramLabel', { count: bars.length, from: date(bars[0].start), to: date(bars[bars.length - 1].start) })}
            onPointerDown={(e) => {
              const i = indexAt(e);
              setDrag(i);
              svg.current?.setPointerCapture?.(e.pointerId);
              onBrush({ first: i, last: i });
            }}
            onPointerMove={(e) => {
              if (drag !== null) onBrush({ first: Math.min(drag, indexAt(e)), last: Math.max(drag, indexAt(e)) });
            }}
            onPointerUp={() => setDrag(null)}
          >
            {brush && <rect className="brush" x={brush.first * barWidth} y={0} width={(brush.last - brush.first + 1) * barWidth} height={HEIGHT} />}
            {bars.map((b, i) => {
              const objects = (b.objects / max) * (HEIGHT - 4);
              const links = (b.links / max) * (HEIGHT - 4);
              const out = brush !== null && (i < brush.first || i > brush.last);
              return (
                <g key={b.start} className={out ? 'bar out' : 'bar'}>
                  <title>{t('analysis.barTitle', { at: date(b.start), objects: number(b.objects), links: number(b.links) })}</title>
                  <rect className="bar-objects" x={i * barWidth + barWidth * 0.1} width={barWidth * 0.8} y={HEIGHT - objects} height={objects} />
                  <rect className="bar-links" x={i * barWidth + barWidth * 0.1} width={barWidth * 0.8} y={HEIGHT - objects - links} height={links} />
                </g>
              );
            })}
          </svg>
          <div className="timeline-legend">
            <span className="swatch swatch-objects" aria-hidden="true" /> {t('analysis.objects')} <span className="swatch swatch-links" aria-hidden="true" /> {t('analysis.links')}
          </div>
          <div className="brush-controls">
            <label>
              {t('analysis.brushStart')}{' '}
              <input
                type="range"
                min={0}
                max={bars.length - 1}
                value={brush?.first ?? 0}
                aria-valuetext={date(bars[brush?.first ?? 0].start)}
                onChange={(e) => {
                  const first = Number(e.target.value);
                  onBrush({ first, last: Math.max(first, brush?.last ?? bars.length - 1) });
                }}
              />
            </label>
            <label>
              {t('analysis.brushEnd')}{' '}
              <input
                type="range"
                min={0}
                max={bars.length - 1}
                value={brush?.last ?? bars.length - 1}
                aria-valuetext={date(bars[brush?.last ?? bars.length - 1].start)}
                onChange={(e) => {
                  const last = Number(e.target.value);
                  onBrush({ first: Math.min(last, brush?.first ?? 0), last });
                }}
              />
            </label>
            <button type="button" onClick={() => onBrush(null)} disabled={!brush}>
              {t('analysis.brushClear')}
            </button>
            <p className="brush-status" role="status">
              {span ? t('analysis.brushWindow', { from: date(span.from), to: date(span.to), count: inWindow === null ? '…' : number(inWindow) }) : t('analysis.brushNone')}
            </p>
          </div>
        </>
      )}
    </section>
  );
}
