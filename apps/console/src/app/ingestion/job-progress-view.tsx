import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../lib/api-client';
import { IngestionClient, IngestJob, JobCounts, ProgressEvent } from '../../lib/ingestion/ingestion-client';
import { formatDuration, isTerminal, JobStatus, progressPercent } from '../../lib/ingestion/ingestion-progress';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { MarkingBadge } from '../marking-badge';
import { useDisplayedMarkings } from '../markings-context';
import { QuarantineReport } from './quarantine-report';

interface Live {
  status: JobStatus;
  counts: JobCounts;
  bytesRead: number;
  bytesTotal: number | null;
  rate: number;
  etaSeconds: number | null;
}

function liveOf(job: IngestJob): Live {
  return { status: job.status, counts: job.counts, bytesRead: job.progress?.bytesRead ?? 0, bytesTotal: job.progress?.bytesTotal ?? null, rate: job.progress?.rate ?? 0, etaSeconds: job.progress?.etaSeconds ?? null };
}

/** A job's live progress from its server-sent events (polling if the stream breaks): bar, counts, rate, ETA, cancel. */
export function JobProgressView({ client, job: initial, onChange }: { client: IngestionClient; job: IngestJob; onChange(job: IngestJob): void }) {
  const { t, number } = useI18n();
  const [job, setJob] = useState(initial);
  const [live, setLive] = useState<Live>(() => liveOf(initial));
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  useDisplayedMarkings([job.markings]);
  const heading = useRef<HTMLHeadingElement>(null);
  // A started or followed job takes the focus, so keyboard and screen-reader users land on its progress.
  useEffect(() => heading.current?.focus(), [initial.id]);

  useEffect(() => {
    if (isTerminal(initial.status)) return;
    const controller = new AbortController();
    const onProgress = (e: ProgressEvent) => setLive({ status: e.status, counts: e.counts, bytesRead: e.bytesRead, bytesTotal: e.bytesTotal, rate: e.rate, etaSeconds: e.etaSeconds });
    const finish = (final: IngestJob) => {
      setJob(final);
      setLive(liveOf(final));
      onChange(final);
    };
    const poll = async () => {
      while (!controller.signal.aborted) {
        const next = await client.job(initial.id, controller.signal);
        if (isTerminal(next.status)) return finish(next);
        setLive(liveOf(next));
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    client
      .watch(initial.id, onProgress, controller.signal)
      .then(finish)
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        if (e instanceof ApiError && e.status < 500) throw e;
        return poll();
      })
      .catch((e: unknown) => controller.signal.aborted || setError(e));
    return () => controller.abort();
  }, [initial.id]);

  const cancel = async () => {
    setCancelling(true);
    try {
      const next = await client.cancel(job.id);
      setJob(next);
      setLive((l) => ({ ...l, status: next.status }));
    } catch (e) {
      setError(e);
    } finally {
      setCancelling(false);
    }
  };

  const percent = progressPercent(live.status, live.bytesRead, live.bytesTotal);
  const terminal = isTerminal(live.status);
  return (
    <section aria-labelledby="job-title" className="job-progress">
      <h2 id="job-title" tabIndex={-1} ref={heading}>
        {t('ingest.job', { source: job.source })} <MarkingBadge marking={job.markings} />
      </h2>
      <p>
        <span className="muted">{job.fileName}</span> ·{' '}
        <strong className={`job-status status-${live.status}`} data-status={live.status}>
          {t(`ingest.status.${live.status}`)}
        </strong>
      </p>
      <label htmlFor="job-bar">{t('ingest.progress')}</label>
      <div className="progress-line">
        <progress id="job-bar" max={100} value={percent ?? undefined} aria-valuetext={percent === null ? t('ingest.sizeUnknown') : `${percent} %`}>
          {percent === null ? '' : `${percent} %`}
        </progress>
        <span aria-hidden="true">{percent === null ? '…' : `${percent} %`}</span>
      </div>
      <dl className="counts" aria-live="polite">
        {(['read', 'valid', 'quarantined', 'written', 'merged'] as const).map((k) => (
          <div key={k}>
            <dt>{t(`ingest.count.${k}`)}</dt>
            <dd data-count={k}>{number(live.counts[k])}</dd>
          </div>
        ))}
        <div>
          <dt>{t('ingest.rate')}</dt>
          <dd>{t('ingest.perSecond', { rate: number(live.rate, { maximumFractionDigits: 1 }) })}</dd>
        </div>
        <div>
          <dt>{t('ingest.eta')}</dt>
          <dd>{live.etaSeconds === null ? '—' : formatDuration(live.etaSeconds)}</dd>
        </div>
      </dl>
      {job.error && <p className="notice error">{t('ingest.failed', { message: job.error.message })}</p>}
      {!terminal && (
        <button type="button" onClick={cancel} disabled={cancelling}>
          {t('ingest.cancel')}
        </button>
      )}
      {error !== null && <ErrorView error={error} />}
      {terminal && live.counts.quarantined > 0 && <QuarantineReport client={client} jobId={job.id} />}
    </section>
  );
}
