/**
 * @jest-environment jsdom
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiClient, HistoryEntry, VersionDiff } from '../../lib/api-client';
import { ClassificationBanner } from '../classification-banner';
import { I18nProvider } from '../i18n-context';
import { MarkingsProvider } from '../markings-context';
import { Services, ServicesContext } from '../services-context';
import { VersionHistory } from './version-history';

const ID = '0b9f2c1e-1111-4111-8111-111111111111';
const entry = (version: number, change: HistoryEntry['change'], changed: string[]): HistoryEntry => ({
  version,
  change,
  at: '2026-01-02T10:00:00Z',
  actor: { subject: 's1', username: 'alpha-ts', kind: 'user' },
  ...(version === 2 ? { purpose: { caseRef: 'CASE-7', justification: 'enquiry' } } : {}),
  provenance: { source: 'src' },
  changedProperties: changed,
});

function setup(diff: (from: number, to: number) => Promise<VersionDiff>) {
  localStorage.setItem('vigie.language', 'en');
  const calls: number[][] = [];
  const api = { diff: (_id: string, from: number, to: number) => (calls.push([from, to]), diff(from, to)) } as unknown as ApiClient;
  const services: Services = { api, me: { tenant: 'alpha', subject: 's', roles: [], clearance: 'TS', compartments: [] }, route: { name: 'object', id: ID }, navigate: jest.fn(), purpose: null, askPurpose: jest.fn() };
  render(
    <I18nProvider>
      <ServicesContext.Provider value={services}>
        <MarkingsProvider>
          <ClassificationBanner position="top" />
          <VersionHistory objectId={ID} entries={[entry(2, 'updated', ['givenName', 'phone']), entry(1, 'created', ['givenName'])]} />
        </MarkingsProvider>
      </ServicesContext.Provider>
    </I18nProvider>,
  );
  return { calls };
}

describe('VersionHistory', () => {
  it('shows who, when and the stated case, and the diff with the version before on demand', async () => {
    const DR = { level: 'DR' as const, compartments: ['cyber'] };
    const NP = { level: 'NP' as const, compartments: [] };
    const { calls } = setup(async (from, to) => ({
      id: ID,
      fromVersion: from,
      toVersion: to,
      changes: [
        { target: 'property', property: 'givenName', kind: 'modified', before: { value: 'Hector', marking: NP, provenance: { source: 's' } }, after: { value: 'Hugo', marking: NP, provenance: { source: 's' } } },
        { target: 'property', property: 'phone', kind: 'added', after: { value: '+33612345678', marking: DR, provenance: { source: 's' } } },
      ],
    }));
    expect(screen.getByText('CASE-7').getAttribute('title')).toBe('enquiry');
    // Version 1 has nothing before it: no diff button.
    expect(screen.getAllByRole('button')).toHaveLength(1);
    const button = screen.getByRole('button', { name: 'Show changes since v1' });
    fireEvent.click(button);
    await screen.findByRole('table', { name: 'Changes from version 1 to version 2' });
    expect(calls).toEqual([[1, 2]]);
    expect(screen.getByText('Hector').tagName).toBe('DEL');
    expect(screen.getByText('Hugo').tagName).toBe('INS');
    expect(screen.getByText('(absent)')).toBeTruthy();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    // The diff shows a DR // CYBER value: the banner says so.
    await waitFor(() => expect(document.querySelector('.banner-top')?.textContent).toBe('DIFFUSION RESTREINTE (RESTRICTED) // CYBER'));
    fireEvent.click(screen.getByRole('button', { name: 'Hide changes' }));
    await waitFor(() => expect(document.querySelector('.banner-top')?.textContent).toBe('NON PROTÉGÉ (UNCLASSIFIED)'));
  });
});
