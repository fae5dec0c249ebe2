import { FormEvent, useMemo, useState } from 'react';
import { IngestionClient, IngestionFormat, IngestJob } from '../../lib/ingestion/ingestion-client';
import { csvHeaderColumns, formatFromFileName } from '../../lib/ingestion/ingestion-progress';
import { parseCompartments } from '../../lib/admin/user-form';
import { LEVELS, Marking } from '../../lib/markings';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { MarkingBadge } from '../marking-badge';
import { useDisplayedMarkings } from '../markings-context';
import { useServices } from '../services-context';
import { useResource } from '../use-resource';
import { JobProgressView } from './job-progress-view';
import { MappingEditor } from './mapping-editor';

const FORMATS: IngestionFormat[] = ['csv', 'json', 'ndjson', 'stix'];

/** Ingestion (role vigie-ingest): upload with mapping and markings, live progress, quarantine report, recent jobs. */
export function IngestionPage() {
  const { t, date, number } = useI18n();
  const { api } = useServices();
  const client = useMemo(() => new IngestionClient(api), [api]);
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [format, setFormat] = useState<'' | IngestionFormat>('');
  const [source, setSource] = useState('');
  const [level, setLevel] = useState<'' | Marking['level']>('');
  const [compartments, setCompartments] = useState('');
  const [mapping, setMapping] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [current, setCurrent] = useState<IngestJob | null>(null);
  const [listKey, setListKey] = useState(0);
  const jobs = useResource(`jobs-${listKey}`, (signal) => client.jobs(signal));
  useDisplayedMarkings(jobs.status === 'ready' ? jobs.data.items.map((j) => j.markings) : []);

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setColumns([]);
    if (!chosen) return;
    if (!source) setSource(chosen.name.replace(/\.[^.]+$/, ''));
    const guessed = formatFromFileName(chosen.name);
    if ((format || guessed) === 'csv') setColumns(csvHeaderColumns(await chosen.slice(0, 65_536).text()));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setError(null);
    if (!file) return setProblem(t('ingest.error.file'));
    const chosenFormat = format || formatFromFileName(file.name);
    if (!chosenFormat) return setProblem(t('ingest.error.format'));
    if (chosenFormat !== 'stix' && mapping.trim() === '') return setProblem(t('ingest.error.mapping'));
    const parsed = parseCompartments(compartments);
    if (parsed.invalid.length > 0) return setProblem(t('admin.error.compartment', { value: parsed.invalid.join(', ') }));
    if (!level && parsed.compartments.length > 0) return setProblem(t('ingest.error.level'));
    setBusy(true);
    try {
      const job = await client.upload({
        file,
        fileName: file.name,
        format: chosenFormat,
        ...(source.trim() ? { source: source.trim() } : {}),
        ...(chosenFormat !== 'stix' ? { mapping } : {}),
        ...(level ? { markings: { level, compartments: parsed.compartments } } : {}),
      });
      setCurrent(job);
      setListKey((k) => k + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="ingestion">
      <h1>{t('ingest.title')}</h1>
      <form className="upload-form" onSubmit={submit} aria-describedby={problem ? 'upload-problem' : undefined} noValidate>
        <fieldset>
          <legend>{t('ingest.file')}</legend>
          <label htmlFor="ingest-file">{t('ingest.fileLabel')}</label>
          <input id="ingest-file" type="file" accept=".csv,.tsv,.txt,.json,.ndjson,.jsonl,.stix" onChange={(e) => void chooseFile(e.target.files?.[0] ?? null)} />
          <label htmlFor="ingest-format">{t('ingest.format')}</label>
          <select id="ingest-format" value={format} onChange={(e) => setFormat(e.target.value as '' | IngestionFormat)}>
            <option value="">{t('ingest.formatAuto')}</option>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
          <label htmlFor="ingest-source">{t('ingest.source')}</label>
          <input id="ingest-source" value={source} maxLength={200} onChange={(e) => setSource(e.target.value)} />
        </fieldset>
        <fieldset>
          <legend>{t('ingest.markings')}</legend>
          <label htmlFor="ingest-level">{t('ingest.level')}</label>
          <select id="ingest-level" value={level} onChange={(e) => setLevel(e.target.value as '' | Marking['level'])}>
            <option value="">{t('ingest.levelFromMapping')}</option>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}`)}
              </option>
            ))}
          </select>
          <label htmlFor="ingest-compartments">{t('ingest.compartments')}</label>
          <input id="ingest-compartments" value={compartments} onChange={(e) => setCompartments(e.target.value)} aria-describedby="ingest-compartments-help" />
          <p id="ingest-compartments-help" className="muted">
            {t('ingest.compartmentsHelp')}
          </p>
        </fieldset>
        <MappingEditor client={client} value={mapping} onChange={setMapping} columns={columns} />
        {problem && (
          <p id="upload-problem" className="notice error" role="alert">
            {problem}
          </p>
        )}
        {error !== null && <ErrorView error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {t('ingest.submit')}
        </button>
      </form>
      {current && <JobProgressView key={current.id} client={client} job={current} onChange={() => setListKey((k) => k + 1)} />}
      <section aria-labelledby="jobs-title">
        <h2 id="jobs-title">{t('ingest.jobs')}</h2>
        {jobs.status === 'loading' && <p>{t('common.loading')}</p>}
        {jobs.status === 'error' && <ErrorView error={jobs.error} />}
        {jobs.status === 'ready' && jobs.data.items.length === 0 && <p>{t('ingest.noJobs')}</p>}
        {jobs.status === 'ready' && jobs.data.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('ingest.source')}</th>
                <th scope="col">{t('ingest.status')}</th>
                <th scope="col">{t('ingest.count.read')}</th>
                <th scope="col">{t('ingest.count.quarantined')}</th>
                <th scope="col">{t('object.marking')}</th>
                <th scope="col">{t('object.at')}</th>
                <th scope="col">
                  <span className="sr-only">{t('ingest.open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.items.map((job) => (
                <tr key={job.id}>
                  <td>
                    {job.source} <span className="muted">{job.fileName}</span>
                  </td>
                  <td>{t(`ingest.status.${job.status}`)}</td>
                  <td>{number(job.counts.read)}</td>
                  <td>{number(job.counts.quarantined)}</td>
                  <td>
                    <MarkingBadge marking={job.markings} />
                  </td>
                  <td>
                    <time dateTime={job.createdAt}>{date(job.createdAt)}</time>
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => setCurrent(job)} aria-label={t('ingest.openJob', { source: job.source })}>
                      {t('ingest.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
