import { HistoryEntry, OntologyLink, OntologyObject, Page, PropertyValue, Provenance } from '../lib/api-client';
import { Marking } from '../lib/markings';
import { hrefFor } from '../lib/router';
import { ErrorView } from './error-view';
import { VersionHistory } from './history/version-history';
import { useI18n } from './i18n-context';
import { Link } from './link';
import { MarkingBadge } from './marking-badge';
import { useDisplayedMarkings } from './markings-context';
import { useServices } from './services-context';
import { useResource } from './use-resource';

function formatValue(value: PropertyValue, number: (n: number) => string): string {
  if (Array.isArray(value)) return value.map((v) => formatValue(v, number)).join(', ');
  if (typeof value === 'number') return number(value);
  if (typeof value === 'object') return `${value.lat}, ${value.lon}`;
  return String(value);
}

function ProvenanceText({ provenance }: { provenance: Provenance }) {
  const parts = [provenance.source, provenance.jobId && `job ${provenance.jobId}`, provenance.recordKey && `record ${provenance.recordKey}`, provenance.line !== undefined && `line ${provenance.line}`].filter(Boolean);
  return <span className="provenance">{parts.join(' · ')}</span>;
}

/** Object page: properties with their marking badges and provenance, version history, links. */
export function ObjectPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { api, purpose } = useServices();
  const key = `${id}|${purpose?.caseRef ?? ''}|${purpose?.justification ?? ''}`;
  const object = useResource<OntologyObject>(key, (signal) => api.object(id, signal));
  const history = useResource<Page<HistoryEntry>>(object.status === 'ready' ? key : null, (signal) => api.history(id, signal));
  const links = useResource<Page<OntologyLink>>(object.status === 'ready' ? key : null, (signal) => api.links(id, signal));

  const shown: Marking[] = [];
  if (object.status === 'ready') shown.push(object.data.markings, ...Object.values(object.data.properties).map((p) => p.marking));
  if (links.status === 'ready') shown.push(...links.data.items.map((l) => l.markings));
  useDisplayedMarkings(shown);

  if (object.status === 'loading') return <p aria-live="polite">{t('common.loading')}</p>;
  if (object.status === 'error') return <ErrorView error={object.error} />;
  const o = object.data;
  return (
    <article aria-labelledby="object-title">
      <header className="object-head">
        <h1 id="object-title">{o.title ?? t('object.untitled')}</h1>
        <span className="type">{o.type}</span> <MarkingBadge marking={o.markings} />{' '}
        <span className="muted">
          {t('object.version')} {o.version} · {t('object.source')}: <ProvenanceText provenance={o.provenance} />
        </span>
        <p>
          <Link href={hrefFor({ name: 'analysis', ids: [o.id] })} className="analyse-link">
            {t('object.analyse')}
          </Link>
        </p>
      </header>
      <Properties object={o} />
      <section aria-labelledby="links-title">
        <h2 id="links-title">{t('object.links')}</h2>
        {links.status === 'loading' && <p>{t('common.loading')}</p>}
        {links.status === 'error' && <ErrorView error={links.error} />}
        {links.status === 'ready' && <Links id={o.id} links={links.data.items} />}
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('object.history')}</h2>
        {history.status === 'loading' && <p>{t('common.loading')}</p>}
        {history.status === 'error' && <ErrorView error={history.error} />}
        {history.status === 'ready' && <VersionHistory objectId={o.id} entries={history.data.items} />}
      </section>
    </article>
  );
}

function Properties({ object }: { object: OntologyObject }) {
  const { t, number } = useI18n();
  const entries = Object.entries(object.properties).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="properties-title">
      <h2 id="properties-title">{t('object.properties')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('object.property')}</th>
            <th scope="col">{t('object.value')}</th>
            <th scope="col">{t('object.marking')}</th>
            <th scope="col">{t('object.provenance')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, property]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{formatValue(property.value, number)}</td>
              <td>
                <MarkingBadge marking={property.marking} />
              </td>
              <td>
                <ProvenanceText provenance={property.provenance} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Links({ id, links }: { id: string; links: OntologyLink[] }) {
  const { t } = useI18n();
  if (links.length === 0) return <p>{t('object.noLinks')}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('object.linkType')}</th>
          <th scope="col">{t('object.linkOther')}</th>
          <th scope="col">{t('object.marking')}</th>
        </tr>
      </thead>
      <tbody>
        {links.map((link) => {
          const outgoing = link.fromId === id;
          const other = outgoing ? link.toId : link.fromId;
          return (
            <tr key={link.id}>
              <td>
                {link.directed ? (outgoing ? '→ ' : '← ') : '↔ '}
                {link.type}
              </td>
              <td>
                <Link href={hrefFor({ name: 'object', id: other })}>{other}</Link>
              </td>
              <td>
                <MarkingBadge marking={link.markings} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
