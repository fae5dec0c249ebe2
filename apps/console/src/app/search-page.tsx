import { FormEvent, useEffect, useState } from 'react';
import { SearchHit, SearchResponse } from '../lib/api-client';
import { parseHighlight } from '../lib/highlight';
import { hrefFor } from '../lib/router';
import { ErrorView } from './error-view';
import { useI18n } from './i18n-context';
import { Link } from './link';
import { MarkingBadge } from './marking-badge';
import { useDisplayedMarkings } from './markings-context';
import { useServices } from './services-context';

type State = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; result: SearchResponse; loadingMore: boolean };

/** Search: query, fuzzy switch, type facets, ranked hits with highlighted matches, "more" by cursor. */
export function SearchPage({ q, types }: { q: string; types: string[] }) {
  const { t, number, date } = useI18n();
  const { api, navigate, purpose } = useServices();
  const [draft, setDraft] = useState(q);
  const [fuzzy, setFuzzy] = useState(true);
  const [state, setState] = useState<State>({ status: 'idle' });
  const active = q.trim() !== '' || types.length > 0;

  useEffect(() => setDraft(q), [q]);
  useEffect(() => {
    if (!active) return setState({ status: 'idle' });
    const controller = new AbortController();
    setState({ status: 'loading' });
    api.search({ q, fuzzy, ...(types.length ? { types } : {}), limit: 25 }, controller.signal).then(
      (result) => controller.signal.aborted || setState({ status: 'ready', result, loadingMore: false }),
      (error: unknown) => controller.signal.aborted || setState({ status: 'error', error }),
    );
    return () => controller.abort();
  }, [api, q, types.join(','), fuzzy, purpose?.caseRef, purpose?.justification]);

  const hits = state.status === 'ready' ? state.result.items : [];
  useDisplayedMarkings(hits.map((h) => h.markings));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(hrefFor({ name: 'search', q: draft.trim(), types }));
  };
  const toggleType = (type: string) => navigate(hrefFor({ name: 'search', q, types: types.includes(type) ? types.filter((x) => x !== type) : [...types, type] }));
  const more = () => {
    if (state.status !== 'ready' || !state.result.nextCursor) return;
    const current = state.result;
    setState({ status: 'ready', result: current, loadingMore: true });
    api.search({ q, fuzzy, ...(types.length ? { types } : {}), limit: 25, cursor: current.nextCursor ?? undefined }).then(
      (page) => setState({ status: 'ready', result: { ...page, items: [...current.items, ...page.items] }, loadingMore: false }),
      (error: unknown) => setState({ status: 'error', error }),
    );
  };

  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{t('search.title')}</h1>
      <form role="search" className="search-form" onSubmit={submit}>
        <label htmlFor="search-q" className="sr-only">
          {t('search.query')}
        </label>
        <input id="search-q" type="search" name="q" value={draft} maxLength={500} onChange={(e) => setDraft(e.target.value)} autoFocus />
        <button type="submit" className="primary">
          {t('search.submit')}
        </button>
        <label className="inline">
          <input type="checkbox" checked={fuzzy} onChange={(e) => setFuzzy(e.target.checked)} /> {t('search.fuzzy')}
        </label>
      </form>
      {state.status === 'loading' && <p aria-live="polite">{t('common.loading')}</p>}
      {state.status === 'error' && <ErrorView error={state.error} />}
      {state.status === 'ready' && (
        <div className="search-layout">
          <aside aria-labelledby="facets-title" className="facets">
            <h2 id="facets-title">{t('search.facets')}</h2>
            <fieldset>
              <legend>{t('search.facetTypes')}</legend>
              {state.result.facets.types.map((facet) => (
                <label key={facet.value} className="facet">
                  <input type="checkbox" checked={types.includes(facet.value)} onChange={() => toggleType(facet.value)} /> {facet.value} <span className="muted">({number(facet.count)})</span>
                </label>
              ))}
              {types
                .filter((type) => !state.result.facets.types.some((f) => f.value === type))
                .map((type) => (
                  <label key={type} className="facet">
                    <input type="checkbox" checked onChange={() => toggleType(type)} /> {type}
                  </label>
                ))}
            </fieldset>
            {types.length > 0 && (
              <button type="button" className="link" onClick={() => navigate(hrefFor({ name: 'search', q, types: [] }))}>
                {t('search.clearFilters')}
              </button>
            )}
          </aside>
          <div className="results">
            <p aria-live="polite">{t('search.results', { count: `${number(state.result.total)}${state.result.totalExact === false ? '+' : ''}` })}</p>
            {hits.length === 0 ? <p>{t('search.noResults')}</p> : <ol className="hits">{hits.map((hit) => <Hit key={hit.id} hit={hit} date={date} number={number} />)}</ol>}
            {state.result.nextCursor && (
              <button type="button" onClick={more} disabled={state.loadingMore}>
                {state.loadingMore ? t('common.loading') : t('search.more')}
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function Hit({ hit, date, number }: { hit: SearchHit; date: (iso: string) => string; number: (n: number, o?: Intl.NumberFormatOptions) => string }) {
  const { t } = useI18n();
  return (
    <li className="hit">
      <div className="hit-head">
        <Link href={hrefFor({ name: 'object', id: hit.id })}>{hit.title ?? t('object.untitled')}</Link> <span className="type">{hit.type}</span> <MarkingBadge marking={hit.markings} />
        <span className="muted score">{t('search.score', { score: number(hit.score, { maximumFractionDigits: 2 }) })}</span>
        {hit.time && <time dateTime={hit.time}>{date(hit.time)}</time>}
      </div>
      {hit.highlights.map((h) => (
        <p key={h.property} className="highlight">
          <span className="muted">{h.property}: </span>
          {parseHighlight(h.fragment).map((segment, i) => (segment.marked ? <mark key={i}>{segment.text}</mark> : <span key={i}>{segment.text}</span>))}
        </p>
      ))}
    </li>
  );
}
