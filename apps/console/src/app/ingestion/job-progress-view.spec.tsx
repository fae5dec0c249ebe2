/**
 * @jest-environment jsdom
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import { ApiClient } from '../../lib/api-client';
import { IngestionClient, IngestJob, ProgressEvent } from '../../lib/ingestion/ingestion-client';
import { ClassificationBanner } from '../classification-banner';
import { I18nProvider } from '../i18n-context';
import { MarkingsProvider } from '../markings-context';
import { Services, ServicesContext } from '../services-context';
import { JobProgressView } from './job-progress-view';

const JOB: IngestJob = {
  id: 'j1',
  source: 'people',
  fileName: 'people.csv',
  format: 'csv',
  status: 'pending',
  markings: { level: 'DR', compartments: ['cyber'] },
  counts: { read: 0, valid: 0, quarantined: 0, written: 0, merged: 0 },
  error: null,
  createdBy: 'alpha-ingest',
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  progress: { bytesRead: 0, bytesTotal: 1000, rate: 0, etaSeconds: null },
};

function setup() {
  localStorage.setItem('vigie.language', 'en');
  let push: (e: ProgressEvent) => void = () => undefined;
  let end: (job: IngestJob) => void = () => undefined;
  const cancelled: string[] = [];
  const client = {
    watch: (_id: string, onProgress: (e: ProgressEvent) => void) => {
      push = onProgress;
      return new Promise<IngestJob>((resolve) => (end = resolve));
    },
    cancel: async (id: string) => (cancelled.push(id), { ...JOB, status: 'cancelled' }),
    quarantine: async () => ({ records: [{ jobId: 'j1', index: 4, line: 6, offset: 90, code: 'COLUMN_COUNT', reason: 'record on line 6 has 3 fields, the header has 4', raw: '5,Bad,Row', at: '' }], truncated: false }),
    job: jest.fn(),
  } as unknown as IngestionClient;
  const onChange = jest.fn();
  const services: Services = { api: {} as ApiClient, me: { tenant: 'alpha', subject: 's', roles: ['vigie-ingest'], clearance: 'DR', compartments: ['cyber'] }, route: { name: 'ingestion' }, navigate: jest.fn(), purpose: null, askPurpose: jest.fn() };
  render(
    <I18nProvider>
      <ServicesContext.Provider value={services}>
        <MarkingsProvider>
          <ClassificationBanner position="top" />
          <JobProgressView client={client} job={JOB} onChange={onChange} />
        </MarkingsProvider>
      </ServicesContext.Provider>
    </I18nProvider>,
  );
  return { push: (e: ProgressEvent) => push(e), end: (j: IngestJob) => end(j), cancelled, onChange };
}

const count = (name: string) => document.querySelector(`[data-count="${name}"]`)?.textContent;

describe('JobProgressView', () => {
  it('moves the bar and the counts with each progress event, then shows the quarantine report', async () => {
    const { push, end, onChange } = setup();
    await waitFor(() => expect(document.querySelector('.banner-top')?.textContent).toBe('DIFFUSION RESTREINTE (RESTRICTED) // CYBER'));
    expect(document.activeElement?.id).toBe('job-title');
    act(() => push({ jobId: 'j1', status: 'running', counts: { read: 1200, valid: 1199, quarantined: 1, written: 1000, merged: 3 }, rate: 400, etaSeconds: 125, bytesRead: 400, bytesTotal: 1000, at: '' }));
    expect(document.querySelector('progress')?.getAttribute('value')).toBe('40');
    expect(count('read')).toBe('1,200');
    expect(count('written')).toBe('1,000');
    expect(screen.getByText('2 min 05 s')).toBeTruthy();
    expect(screen.getByText('400 records/s')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel the job' })).toBeTruthy();
    await act(async () => end({ ...JOB, status: 'completed', counts: { read: 1201, valid: 1200, quarantined: 1, written: 1200, merged: 3 }, progress: { bytesRead: 1000, bytesTotal: 1000, rate: 390, etaSeconds: 0 } }));
    expect(document.querySelector('.job-status')?.getAttribute('data-status')).toBe('completed');
    expect(document.querySelector('progress')?.getAttribute('value')).toBe('100');
    expect(screen.queryByRole('button', { name: 'Cancel the job' })).toBeNull();
    expect(onChange).toHaveBeenCalledTimes(1);
    await screen.findByText('COLUMN_COUNT');
    expect(screen.getByText('5,Bad,Row')).toBeTruthy();
  });

  it('cancels a running job', async () => {
    const { cancelled } = setup();
    await act(async () => screen.getByRole('button', { name: 'Cancel the job' }).click());
    expect(cancelled).toEqual(['j1']);
    expect(document.querySelector('.job-status')?.getAttribute('data-status')).toBe('cancelled');
  });
});
