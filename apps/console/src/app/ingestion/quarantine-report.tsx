import { useState } from 'react';
import { IngestionClient, QuarantinedRecord } from '../../lib/ingestion/ingestion-client';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { useResource } from '../use-resource';
import { saveFile } from './save-file';

/** A finished job's quarantined records: line, code, reason, raw text; the whole report as NDJSON or CSV. */
export function QuarantineReport({ client, jobId }: { client: IngestionClient; jobId: string }) {
  const { t } = useI18n();
  const report = useResource<{ records: QuarantinedRecord[]; truncated: boolean }>(jobId, (signal) => client.quarantine(jobId, 200, signal));
  const [error, setError] = useState<unknown>(null);
  const download = async (format: 'ndjson' | 'csv') => {
    try {
      saveFile(await client.quarantineFile(jobId, format), `quarantine-${jobId}.${format}`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="quarantine-title">
      <h3 id="quarantine-title">{t('ingest.quarantine')}</h3>
      <p className="actions">
        <button type="button" onClick={() => download('ndjson')}>
          {t('ingest.downloadNdjson')}
        </button>{' '}
        <button type="button" onClick={() => download('csv')}>
          {t('ingest.downloadCsv')}
        </button>
      </p>
      {error !== null && <ErrorView error={error} />}
      {report.status === 'loading' && <p>{t('common.loading')}</p>}
      {report.status === 'error' && <ErrorView error={report.error} />}
      {report.status === 'ready' && (
        <>
          <table className="quarantine">
            <thead>
              <tr>
                <th scope="col">{t('ingest.line')}</th>
                <th scope="col">{t('ingest.code')}</th>
                <th scope="col">{t('ingest.reason')}</th>
                <th scope="col">{t('ingest.raw')}</th>
              </tr>
            </thead>
            <tbody>
              {report.data.records.map((r) => (
                <tr key={r.index}>
                  <td>{r.line}</td>
                  <td>
                    <code>{r.code}</code>
                  </td>
                  <td>{r.reason}</td>
                  <td>
                    <code className="raw">{r.raw}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.data.truncated && <p className="muted">{t('ingest.truncated', { count: report.data.records.length })}</p>}
        </>
      )}
    </section>
  );
}
