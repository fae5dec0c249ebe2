import { FormEvent, useCallback, useEffect, useId, useMemo, useReducer, useRef, useState } from 'react';
import { LinkTypeInfo, ObjectSummary, OntologyTypes, TimelineBucket, TimelineResponse } from '../../lib/analysis/analysis-types';
import { displayedMarkings, EMPTY_GRAPH, graphReducer, isDimmed, linkTypesFor, nodeLabel, visibleEdges, visibleNodes } from '../../lib/analysis/graph-model';
import { histogramBars, idsInWindow, windowOf } from '../../lib/analysis/timeline-model';
import { SearchHit } from '../../lib/api-client';
import { hrefFor } from '../../lib/router';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { Link } from '../link';
import { MarkingBadge } from '../marking-badge';
import { useDisplayedMarkings } from '../markings-context';
import { useServices } from '../services-context';
import { useResource } from '../use-resource';
import { GraphCanvas, GraphCanvasHandle } from './graph-canvas';
import { MapPanel } from './map-panel';
import { Brush, TimelinePanel } from './timeline-panel';
import './analysis.css';

/** Most rows in the node list (the canvas shows them all). */
const MAX_ROWS = 200;
/** The timeline asks for the dates of at most this many entities (the API's limit). */
const MAX_TIMELINE_IDS = 500;

type Notice = { kind: 'info'; text: string } | { kind: 'error'; error: unknown } | null;

/**
 * Link analysis: a WebGL graph of the objects brought into view (from an object page, a search,
 * the map), expanded by link type, with paths between two selected objects, pins, hiding,
 * layouts and PNG export; a timeline whose brush dims the graph and filters the map. Everything
 * shown comes from the API, which filters by the caller's clearance — nothing else is drawn.
 */
export function AnalysisPage({ ids }: { ids: string[] }) {
  const { t, language } = useI18n();
  const { api, purpose } = useServices();
  const headingId = useId();
  const [graph, dispatch] = useReducer(graphReducer, EMPTY_GRAPH);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const [linkType, setLinkType] = useState('');
  const [bucket, setBucket] = useState<TimelineBucket>('month');
  const [brush, setBrush] = useState<Brush | null>(null);
  const [inWindow, setInWindow] = useState<ReadonlySet<string> | null>(null);
  const canvas = useRef<GraphCanvasHandle>(null);

  const types = useResource<OntologyTypes>('types', (signal) => api.types(signal));
  const linkTypes: LinkTypeInfo[] = types.status === 'ready' ? types.data.document.linkTypes : [];
  const typeLabels = useMemo(() => new Map(types.status === 'ready' ? types.data.document.objectTypes.map((o) => [o.name, o.label[language]]) : []), [types, language]);
  const labelOf = useCallback((n: ObjectSummary) => nodeLabel(n, t('object.untitled'), typeLabels.get(n.type) ?? n.type), [t, typeLabels]);

  const nodes = useMemo(() => visibleNodes(graph), [graph]);
  const edges = useMemo(() => visibleEdges(graph), [graph]);
  useDisplayedMarkings(displayedMarkings(graph));

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setNotice(null);
    try {
      await action();
    } catch (error) {
      setNotice({ kind: 'error', error });
    } finally {
      setBusy(false);
    }
  };

  // The seeds of the URL and their neighbours; again when a purpose is stated.
  const seedKey = `${ids.join(',')}|${purpose?.caseRef ?? ''}|${purpose?.justification ?? ''}`;
  useEffect(() => {
    if (ids.length === 0) return;
    const controller = new AbortController();
    setBusy(true);
    setNotice(null);
    api.graphNeighbourhood({ ids, hops: 1, limit: 500 }, controller.signal).then(
      (r) => {
        if (controller.signal.aborted) return;
        dispatch({ kind: 'reset' });
        dispatch({ kind: 'merge', nodes: r.nodes, edges: r.edges, truncated: r.truncated });
        dispatch({ kind: 'select', ids });
        setBusy(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setNotice({ kind: 'error', error });
        setBusy(false);
      },
    );
    return () => controller.abort();
  }, [seedKey]);

  const selected = graph.selected;
  const selectedTypes = [...new Set(selected.map((id) => graph.nodes.get(id)?.type).filter((x): x is string => !!x))];
  const expandTypes = linkTypesFor(linkTypes, selectedTypes.length ? selectedTypes : nodes.map((n) => n.type));

  const expand = () =>
    run(async () => {
      const r = await api.graphNeighbourhood({ ids: selected.slice(0, 100), hops: 1, limit: 500, ...(linkType ? { linkTypes: [linkType] } : {}) });
      const before = graph.nodes.size;
      dispatch({ kind: 'merge', nodes: r.nodes, edges: r.edges, truncated: r.truncated });
      const added = r.nodes.filter((n) => !graph.nodes.has(n.id)).length;
      setNotice({ kind: 'info', text: t(r.truncated ? 'analysis.expandedTruncated' : 'analysis.expanded', { count: added, total: before + added }) });
    });

  const findPaths = () =>
    run(async () => {
      const [fromId, toId] = selected;
      const r = await api.graphPaths({ fromId, toId, k: 3, maxHops: 6 });
      dispatch({ kind: 'path', response: r });
      setNotice({ kind: 'info', text: r.paths.length ? t('analysis.pathsFound', { count: r.paths.length, length: r.paths[0].length }) : t('analysis.noPath', { hops: 6 }) });
    });

  const exportPng = () =>
    run(async () => {
      const blob = await (canvas.current?.exportPng() ?? Promise.reject(new Error(t('analysis.nothingToExport'))));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'vigie-graph.png';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });

  // Timeline of the entities in view; its brush asks which of them fall in the window.
  const timelineIds = useMemo(() => nodes.slice(0, MAX_TIMELINE_IDS).map((n) => n.id), [nodes]);
  const timelineKey = timelineIds.length ? `${[...timelineIds].sort().join(',')}|${bucket}|${purpose?.caseRef ?? ''}` : null;
  const timeline = useResource<TimelineResponse>(timelineKey, (signal) => api.timeline({ ids: timelineIds, bucket, includeLinks: true, limit: 1 }, signal));
  const bars = useMemo(() => (timeline.status === 'ready' ? histogramBars(timeline.data.buckets, timeline.data.bucket) : []), [timeline]);
  useEffect(() => {
    setBrush(null);
  }, [timelineKey]);
  useEffect(() => {
    if (!brush || bars.length === 0) {
      setInWindow(null);
      return;
    }
    const controller = new AbortController();
    const { from, to } = windowOf(bars, brush.first, brush.last, bucket);
    setInWindow(null);
    const timer = setTimeout(() => {
      api.timeline({ ids: timelineIds, from, to, bucket, includeLinks: true, limit: 2000 }, controller.signal).then(
        (r) => controller.signal.aborted || setInWindow(idsInWindow(r.items)),
        (error: unknown) => controller.signal.aborted || setNotice({ kind: 'error', error }),
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [brush?.first, brush?.last, bars]);
  const dimmed = useCallback((id: string) => isDimmed(brush ? inWindow : null, id), [brush, inWindow]);
  const focusIds = useMemo(() => new Set(nodes.map((n) => n.id)), [nodes]);
  const keptInWindow = inWindow ? nodes.filter((n) => inWindow.has(n.id)).length : null;

  const pick = (summary: ObjectSummary) => {
    if (!graph.nodes.has(summary.id)) dispatch({ kind: 'merge', nodes: [summary], edges: [], truncated: graph.truncated });
    dispatch({ kind: 'toggleSelect', id: summary.id });
  };

  const hiddenCount = graph.hidden.size;
  return (
    <div className="analysis" aria-labelledby={headingId}>
      <h1 id={headingId}>{t('analysis.title')}</h1>
      <AddObjects onAdd={(hit) => pick({ id: hit.id, type: hit.type, title: hit.title, markings: hit.markings })} />
      {nodes.length === 0 && !busy && <p>{t('analysis.empty')}</p>}
      <div className="analysis-toolbar" role="group" aria-label={t('analysis.tools')}>
        <label>
          {t('analysis.linkType')}{' '}
          <select id="analysis-link-type" value={linkType} onChange={(e) => setLinkType(e.target.value)}>
            <option value="">{t('analysis.allLinkTypes')}</option>
            {expandTypes.map((l) => (
              <option key={l.name} value={l.name}>
                {l.label[language]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" id="analysis-expand" onClick={expand} disabled={busy || selected.length === 0}>
          {t('analysis.expand', { count: selected.length })}
        </button>
        <button type="button" id="analysis-paths" onClick={findPaths} disabled={busy || selected.length < 2}>
          {t('analysis.findPaths')}
        </button>
        <button type="button" onClick={() => selected.forEach((id) => dispatch({ kind: 'togglePin', id }))} disabled={selected.length === 0}>
          {t('analysis.pin')}
        </button>
        <button type="button" onClick={() => dispatch({ kind: 'hide', ids: [...selected] })} disabled={selected.length === 0}>
          {t('analysis.hide')}
        </button>
        <button type="button" onClick={() => dispatch({ kind: 'showAll' })} disabled={hiddenCount === 0}>
          {t('analysis.showHidden', { count: hiddenCount })}
        </button>
        <button type="button" onClick={() => canvas.current?.layout('force')} disabled={nodes.length === 0}>
          {t('analysis.layoutForce')}
        </button>
        <button type="button" onClick={() => canvas.current?.layout('circular')} disabled={nodes.length === 0}>
          {t('analysis.layoutCircular')}
        </button>
        <button type="button" id="analysis-export" onClick={exportPng} disabled={busy || nodes.length === 0}>
          {t('analysis.exportPng')}
        </button>
        <button type="button" onClick={() => dispatch({ kind: 'clearPath' })} disabled={!graph.path}>
          {t('analysis.clearPath')}
        </button>
      </div>
      <div className="analysis-status" role="status" aria-live="polite">
        {busy ? t('common.loading') : notice?.kind === 'info' ? notice.text : ''}
      </div>
      {notice?.kind === 'error' && <ErrorView error={notice.error} />}
      <div className="analysis-main">
        <GraphCanvas
          ref={canvas}
          nodes={nodes}
          edges={edges}
          labelOf={labelOf}
          selected={selected}
          pinned={graph.pinned}
          dimmed={dimmed}
          path={graph.path}
          onNodeClick={(id) => dispatch({ kind: 'toggleSelect', id })}
          onNodeDragged={(id) => dispatch({ kind: 'pin', id })}
          label={t('analysis.canvasLabel', { nodes: nodes.length, edges: edges.length })}
        />
        <section className="node-list" aria-labelledby={`${headingId}-nodes`}>
          <h2 id={`${headingId}-nodes`}>{t('analysis.nodes', { nodes: nodes.length, edges: edges.length })}</h2>
          <ul>
            {nodes.slice(0, MAX_ROWS).map((n) => (
              <li key={n.id} className={[graph.path?.nodeIds.has(n.id) ? 'on-path' : '', dimmed(n.id) ? 'dimmed' : ''].join(' ').trim() || undefined} data-id={n.id}>
                <label>
                  <input type="checkbox" checked={selected.includes(n.id)} onChange={() => dispatch({ kind: 'toggleSelect', id: n.id })} />
                  <span className="node-title">{n.title ?? t('object.untitled')}</span>
                </label>{' '}
                <span className="node-type">{typeLabels.get(n.type) ?? n.type}</span> <MarkingBadge marking={n.markings} />
                {graph.pinned.has(n.id) && <span className="tag">{t('analysis.pinned')}</span>}
                {graph.path?.nodeIds.has(n.id) && <span className="tag path-tag">{t('analysis.onPath')}</span>}{' '}
                <Link href={hrefFor({ name: 'object', id: n.id })}>{t('analysis.open')}</Link>
              </li>
            ))}
          </ul>
          {nodes.length > MAX_ROWS && <p>{t('analysis.moreRows', { count: nodes.length - MAX_ROWS })}</p>}
          {graph.truncated && <p className="notice">{t('analysis.truncated')}</p>}
        </section>
      </div>
      <div className="analysis-panels">
        {timeline.status === 'error' ? (
          <ErrorView error={timeline.error} />
        ) : (
          <TimelinePanel bars={bars} bucket={bucket} onBucket={setBucket} brush={brush} onBrush={setBrush} inWindow={keptInWindow} />
        )}
        <MapPanel focus={focusIds} inWindow={brush ? inWindow : null} onPick={(p) => pick({ id: p.id, type: p.type, title: p.title, markings: p.markings })} />
      </div>
    </div>
  );
}

/** Search to bring objects into the graph (the search hits' own summaries: type, title, marking). */
function AddObjects({ onAdd }: { onAdd(hit: SearchHit): void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useDisplayedMarkings((hits ?? []).map((h) => h.markings));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!q.trim()) return;
    setError(null);
    try {
      setHits((await api.search({ q: q.trim(), limit: 10 })).items);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form className="analysis-add" role="search" onSubmit={submit}>
      <label htmlFor="analysis-q">{t('analysis.add')}</label> <input id="analysis-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />{' '}
      <button type="submit">{t('search.submit')}</button>
      {error !== null && <ErrorView error={error} />}
      {hits && hits.length === 0 && <p>{t('search.noResults')}</p>}
      {hits && hits.length > 0 && (
        <ul className="analysis-hits">
          {hits.map((h) => (
            <li key={h.id}>
              <button type="button" className="link-button" onClick={() => onAdd(h)}>
                {t('analysis.addHit', { title: h.title ?? t('object.untitled'), type: h.type })}
              </button>{' '}
              <MarkingBadge marking={h.markings} />
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
