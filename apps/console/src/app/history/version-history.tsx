import { useState } from 'react';
import { HistoryEntry, VersionDiff } from '../../lib/api-client';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { MarkingBadge } from '../marking-badge';
import { useDisplayedMarkings } from '../markings-context';
import { useServices } from '../services-context';
import { useResource } from '../use-resource';
import { diffLines, diffMarkings } from './version-diff';

/** The version history of an object: who, when, why, what — and, per version, its diff with the one before. */
export function VersionHistory({ objectId, entries }: { objectId: string; entries: HistoryEntry[] }) {
  const { t, date } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  return (
    <table className="history">
      <thead>
        <tr>
          <th scope="col">{t('object.version')}</th>
          <th scope="col">{t('object.change')}</th>
          <th scope="col">{t('object.at')}</th>
          <th scope="col">{t('object.actor')}</th>
          <th scope="col">{t('history.purpose')}</th>
          <th scope="col">{t('object.changed')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <HistoryRow key={entry.version} objectId={objectId} entry={entry} open={open === entry.version} onToggle={() => setOpen(open === entry.version ? null : entry.version)} date={date} />
        ))}
      </tbody>
    </table>
  );
}

function HistoryRow({ objectId, entry, open, onToggle, date }: { objectId: string; entry: HistoryEntry; open: boolean; onToggle(): void; date(iso: string): string }) {
  const { t } = useI18n();
  const diffId = `diff-${entry.version}`;
  return (
    <>
      <tr>
        <td>{entry.version}</td>
        <td>{t(`change.${entry.change}`)}</td>
        <td>
          <time dateTime={entry.at}>{date(entry.at)}</time>
        </td>
        <td>{entry.actor.username ?? entry.actor.subject}</td>
        <td>{entry.purpose ? <span title={entry.purpose.justification}>{entry.purpose.caseRef}</span> : <span className="muted">—</span>}</td>
        <td>
          {entry.changedProperties.join(', ')}{' '}
          {entry.version > 1 && (
            <button type="button" className="link" aria-expanded={open} aria-controls={diffId} onClick={onToggle}>
              {open ? t('history.hideDiff') : t('history.showDiff', { version: entry.version - 1 })}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr id={diffId} className="diff-row">
          <td colSpan={6}>
            <DiffView objectId={objectId} fromVersion={entry.version - 1} toVersion={entry.version} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The changes between two versions: old → new for each property, marking changes as badges. */
export function DiffView({ objectId, fromVersion, toVersion }: { objectId: string; fromVersion: number; toVersion: number }) {
  const { t, number } = useI18n();
  const { api, purpose } = useServices();
  const diff = useResource<VersionDiff>(`${objectId}|${fromVersion}|${toVersion}|${purpose?.caseRef ?? ''}`, (signal) => api.diff(objectId, fromVersion, toVersion, signal));
  const lines = diff.status === 'ready' ? diffLines(diff.data.changes, (n) => number(n)) : [];
  useDisplayedMarkings(diffMarkings(lines));
  if (diff.status === 'loading') return <p aria-live="polite">{t('common.loading')}</p>;
  if (diff.status === 'error') return <ErrorView error={diff.error} />;
  if (lines.length === 0) return <p>{t('history.noChanges')}</p>;
  return (
    <table className="diff" aria-label={t('history.diffLabel', { from: fromVersion, to: toVersion })}>
      <thead>
        <tr>
          <th scope="col">{t('object.property')}</th>
          <th scope="col">{t('history.before', { version: fromVersion })}</th>
          <th scope="col">{t('history.after', { version: toVersion })}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={`${line.target}-${line.name}`} className={`diff-${line.kind}`}>
            <th scope="row">{line.target === 'property' ? line.name : t(`history.target.${line.target}`)}</th>
            <td className="diff-before">
              {line.before === null && line.beforeMarking === null ? <span className="muted">{t('history.absent')}</span> : <del>{line.before}</del>}
              {line.beforeMarking && <> <MarkingBadge marking={line.beforeMarking} /></>}
            </td>
            <td className="diff-after">
              <span aria-hidden="true">→ </span>
              {line.after === null && line.afterMarking === null ? <span className="muted">{t('history.absent')}</span> : <ins>{line.after}</ins>}
              {line.afterMarking && <> <MarkingBadge marking={line.afterMarking} /></>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
