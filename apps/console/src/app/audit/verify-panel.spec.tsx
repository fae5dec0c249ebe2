/**
 * @jest-environment jsdom
 */
import { fireEvent, render, screen } from '@testing-library/react';
import { ApiClient } from '../../lib/api-client';
import { AuditClient, AuditRecordsPage, AuditRecord, VerifyReport } from '../../lib/audit/audit-client';
import { I18nProvider } from '../i18n-context';
import { MarkingsProvider } from '../markings-context';
import { Services, ServicesContext } from '../services-context';
import { VerifyPanel } from './verify-panel';

const record = (seq: number): AuditRecord => ({
  tenant: 'alpha',
  seq,
  eventId: `e${seq}`,
  recordedAt: '2026-01-01T00:00:00.000Z',
  prevHash: '0'.repeat(64),
  hash: `${seq}`.repeat(64).slice(0, 64),
  event: { id: `e${seq}`, time: '2026-01-01T00:00:00.000Z', tenant: 'alpha', actor: { sub: 's', roles: [], kind: 'user' }, action: 'object.read', resources: [], purpose: null, outcome: 'success', traceId: 'a'.repeat(32), service: 'ontology', details: {} },
});

function setup(report: VerifyReport, records: AuditRecord[]) {
  localStorage.setItem('vigie.language', 'en');
  const asked: string[] = [];
  const client = {
    verify: async (range: object) => (asked.push(`verify ${JSON.stringify(range)}`), report),
    range: async (range: object): Promise<AuditRecordsPage> => (asked.push(`range ${JSON.stringify(range)}`), { records, nextCursor: null }),
    export: jest.fn(),
  } as unknown as AuditClient;
  const services: Services = { api: {} as ApiClient, me: { tenant: 'alpha', subject: 's', roles: ['vigie-auditor'], clearance: 'S', compartments: [] }, route: { name: 'audit' }, navigate: jest.fn(), purpose: null, askPurpose: jest.fn() };
  render(
    <I18nProvider>
      <ServicesContext.Provider value={services}>
        <MarkingsProvider>
          <VerifyPanel client={client} />
        </MarkingsProvider>
      </ServicesContext.Provider>
    </I18nProvider>,
  );
  return { asked };
}

describe('VerifyPanel', () => {
  it('names the first altered record, shows the records around it one by one and each checkpoint signature', async () => {
    const report: VerifyReport = {
      ok: false,
      tenant: 'alpha',
      start: 'genesis',
      anchorSeq: null,
      firstSeq: 1,
      lastSeq: 6,
      recordsChecked: 6,
      coveredUpTo: 5,
      unsignedTail: 0,
      firstProblem: { kind: 'altered', seq: 7, eventId: 'e7', message: 'record 7 does not hash to its stored hash' },
      checkpoints: [
        { seq: 5, kind: 'periodic', keyId: 'k'.repeat(64), time: '2026-01-01T00:00:00Z', keyKnown: true, signatureValid: true, matchesChain: true },
        { seq: 9, kind: 'periodic', keyId: 'k'.repeat(64), time: '2026-01-01T00:00:00Z', keyKnown: true, signatureValid: false, matchesChain: null },
      ],
    };
    const { asked } = setup(report, [2, 3, 4, 5, 6, 7, 8].map(record));
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    const summary = await screen.findByRole('status');
    expect(summary.textContent).toBe('Chain broken — altered record at seq 7: record 7 does not hash to its stored hash');
    // The records shown start a little before the problem.
    expect(asked).toEqual(['verify {}', 'range {"fromSeq":2}']);
    const rows = [...document.querySelectorAll('table.verify-rows tbody tr')].map((tr) => `${tr.getAttribute('data-seq')}:${tr.getAttribute('data-verdict')}`);
    expect(rows).toEqual(['2:verified', '3:verified', '4:verified', '5:verified', '6:verified', '7:problem', '8:unchecked']);
    expect(document.querySelector('tr[data-seq="5"]')?.textContent).toContain('verified, signed');
    expect(document.querySelector('tr[data-seq="6"]')?.textContent).toContain('verified (not yet signed)');
    expect([...document.querySelectorAll('table.verify-checkpoints td:nth-child(5)')].map((td) => td.textContent)).toEqual(['valid', 'invalid']);
  });

  it('refuses a reversed range before asking the API', async () => {
    const { asked } = setup({} as VerifyReport, []);
    fireEvent.change(screen.getByLabelText('From seq'), { target: { value: '9' } });
    fireEvent.change(screen.getByLabelText('To seq'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(screen.getByText('The first seq must not be after the last.')).toBeTruthy();
    expect(screen.getByLabelText('From seq').getAttribute('aria-invalid')).toBe('true');
    expect(asked).toEqual([]);
  });
});
