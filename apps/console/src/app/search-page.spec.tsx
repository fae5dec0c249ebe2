/**
 * @jest-environment jsdom
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiClient, ApiError, SearchRequest, SearchResponse } from '../lib/api-client';
import { Purpose } from '../lib/purpose';
import { ClassificationBanner } from './classification-banner';
import { ErrorView } from './error-view';
import { I18nProvider } from './i18n-context';
import { MarkingsProvider } from './markings-context';
import { SearchPage } from './search-page';
import { Services, ServicesContext } from './services-context';

const HIT_ID = '0b9f2c1e-1111-4111-8111-111111111111';

function result(items: SearchResponse['items']): SearchResponse {
  return { items, nextCursor: null, total: items.length, facets: { types: [{ value: 'Person', count: items.length }], properties: {} } };
}

function setup(search: (req: SearchRequest) => Promise<SearchResponse>, overrides: Partial<Services> = {}) {
  localStorage.setItem('vigie.language', 'en');
  const requests: SearchRequest[] = [];
  const api = { search: (req: SearchRequest) => (requests.push(req), search(req)) } as unknown as ApiClient;
  const services: Services = {
    api,
    me: { tenant: 'alpha', subject: 'u1', username: 'alpha-dr', roles: [], clearance: 'DR', compartments: ['cyber'] },
    route: { name: 'search', q: 'dupont', types: [] },
    navigate: jest.fn(),
    purpose: null,
    askPurpose: jest.fn(),
    ...overrides,
  };
  const view = (q: string, purpose: Purpose | null = services.purpose) => (
    <I18nProvider>
      <ServicesContext.Provider value={{ ...services, purpose }}>
        <MarkingsProvider>
          <ClassificationBanner position="top" />
          <SearchPage q={q} types={[]} />
          <ClassificationBanner position="bottom" />
        </MarkingsProvider>
      </ServicesContext.Provider>
    </I18nProvider>
  );
  return { services, requests, view };
}

describe('SearchPage', () => {
  it('shows hits with highlighted matches and raises both banners to the highest marking shown', async () => {
    const { view } = setup(async () =>
      result([
        { id: HIT_ID, type: 'Person', title: 'Jean Dupont', score: 1, markings: { level: 'DR', compartments: ['cyber'] }, highlights: [{ property: 'fullName', fragment: 'Jean <mark>Dupont</mark> &amp; co' }], time: null, geo: null },
      ]),
    );
    const { container } = render(view('dupont'));
    await screen.findByRole('link', { name: 'Jean Dupont' });
    expect(container.querySelector('mark')?.textContent).toBe('Dupont');
    expect(container.querySelector('.highlight')?.textContent).toBe('fullName: Jean Dupont & co');
    await waitFor(() => expect(container.querySelector('.banner-top')?.textContent).toBe('DIFFUSION RESTREINTE (RESTRICTED) // CYBER'));
    // …and it stays there once every effect has settled.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(container.querySelector('.banner-top')?.textContent).toBe('DIFFUSION RESTREINTE (RESTRICTED) // CYBER');
    expect(container.querySelector('.banner-bottom')?.textContent).toBe('DIFFUSION RESTREINTE (RESTRICTED) // CYBER');
    expect(screen.getByRole('link', { name: 'Jean Dupont' }).getAttribute('href')).toBe(`/objects/${HIT_ID}`);
  });

  it('shows a total the search stopped counting as a lower bound', async () => {
    const hit = { id: HIT_ID, type: 'Person', title: 'Jean Dupont', score: 1, markings: { level: 'NP' as const, compartments: [] }, highlights: [], time: null, geo: null };
    const { view } = setup(async () => ({ ...result([hit]), total: 1000, totalExact: false }));
    render(view('dupont'));
    expect(await screen.findByText(/^1[,  ]?000\+ results$/)).toBeTruthy();
  });

  it('drops the banner back to NP when the screen shows nothing marked', async () => {
    let answer = result([{ id: HIT_ID, type: 'Person', title: 'Sable', score: 1, markings: { level: 'S', compartments: ['op-saphir'] }, highlights: [], time: null, geo: null }]);
    const { view } = setup(async () => answer);
    const { container, rerender } = render(view('sable'));
    await waitFor(() => expect(container.querySelector('.banner-top')?.textContent).toBe('SECRET // OP-SAPHIR'));
    answer = result([]);
    rerender(view('nothing'));
    await screen.findByText('No results.');
    await waitFor(() => expect(container.querySelector('.banner-top')?.textContent).toBe('NON PROTÉGÉ (UNCLASSIFIED)'));
  });

  it('searches again when a purpose is stated, and navigates on submit', async () => {
    const { view, requests, services } = setup(async () => result([]));
    const { rerender } = render(view('dupont'));
    await screen.findByText('No results.');
    rerender(view('dupont', { caseRef: 'C-1', justification: 'why' }));
    await waitFor(() => expect(requests).toHaveLength(2));
    fireEvent.change(screen.getByLabelText('Search', { selector: 'input' }), { target: { value: '  martin ' } });
    await act(async () => {
      fireEvent.submit(screen.getByRole('search'));
    });
    expect(services.navigate).toHaveBeenCalledWith('/search?q=martin');
  });

  it('offers the purpose dialog on a 428 and shows nothing else', async () => {
    const askPurpose = jest.fn();
    const { view } = setup(() => Promise.reject(new ApiError(428, 'PURPOSE_REQUIRED', 'state a purpose')), { askPurpose });
    render(view('secret'));
    fireEvent.click(await screen.findByRole('button', { name: 'State a purpose' }));
    expect(askPurpose).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('alert').textContent).toContain('This data needs a stated purpose.');
  });
});

describe('ErrorView', () => {
  it('never hints at hidden data on a 404', () => {
    localStorage.setItem('vigie.language', 'fr');
    const services = { askPurpose: jest.fn() } as unknown as Services;
    render(
      <I18nProvider>
        <ServicesContext.Provider value={services}>
          <ErrorView error={new ApiError(404, 'NOT_FOUND', 'object 123 is marked TS')} />
        </ServicesContext.Provider>
      </I18nProvider>,
    );
    expect(screen.getByRole('alert').textContent).toBe('Introuvable, ou non visible avec vos habilitations.');
  });
});
