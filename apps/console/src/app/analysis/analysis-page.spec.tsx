/**
 * @jest-environment jsdom
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { GraphEdge, NeighbourhoodRequest, ObjectSummary, OntologyTypes, PathsRequest, TimelineRequest } from '../../lib/analysis/analysis-types';
import { ApiClient, ApiError } from '../../lib/api-client';
import { ClassificationBanner } from '../classification-banner';
import { I18nProvider } from '../i18n-context';
import { MarkingsProvider } from '../markings-context';
import { Services, ServicesContext } from '../services-context';
import { AnalysisPage } from './analysis-page';

// The WebGL canvas and the Leaflet map need a real browser (console-e2e covers them); here they
// are stand-ins that show what the page hands them.
jest.mock('./analysis.css', () => ({}));
jest.mock('./graph-canvas', () => ({
  GraphCanvas: (props: { nodes: { id: string }[]; edges: { id: string }[]; dimmed(id: string): boolean; label: string }) =>
    require('react').createElement('div', {
      'data-testid': 'canvas',
      'data-nodes': props.nodes.map((n) => n.id).join(','),
      'data-edges': props.edges.map((e) => e.id).join(','),
      'data-dimmed': props.nodes.filter((n) => props.dimmed(n.id)).map((n) => n.id).join(','),
      'aria-label': props.label,
    }),
}));
jest.mock('./map-panel', () => ({
  MapPanel: (props: { inWindow: ReadonlySet<string> | null; focus: ReadonlySet<string> }) =>
    require('react').createElement('div', { 'data-testid': 'map', 'data-window': props.inWindow ? [...props.inWindow].sort().join(',') : 'none', 'data-focus': [...props.focus].sort().join(',') }),
}));

const A = '0b9f2c1e-1111-4111-8111-111111111111';
const B = '0b9f2c1e-2222-4222-8222-222222222222';
const C = '0b9f2c1e-3333-4333-8333-333333333333';
const node = (id: string, type: string, title: string, level: 'DR' | 'S' = 'DR', compartments: string[] = []): ObjectSummary & { depth: number } => ({ id, type, title, markings: { level, compartments }, depth: 0 });
const edge = (id: string, fromId: string, toId: string, type: string): GraphEdge => ({ id, type, fromId, toId, directed: true, validFrom: null, validTo: null, markings: { level: 'DR', compartments: [] } });
const E1 = '0b9f2c1e-aaaa-4aaa-8aaa-aaaaaaaaaaa1';
const E2 = '0b9f2c1e-aaaa-4aaa-8aaa-aaaaaaaaaaa2';

const TYPES: OntologyTypes = {
  document: {
    version: 1,
    objectTypes: [
      { name: 'Person', label: { fr: 'Personne', en: 'Person' } },
      { name: 'Organization', label: { fr: 'Organisation', en: 'Organisation' } },
      { name: 'Event', label: { fr: 'Événement', en: 'Event' } },
    ],
    linkTypes: [
      { name: 'works_for', label: { fr: 'travaille pour', en: 'works for' }, from: ['Person'], to: ['Organization'], directed: true },
      { name: 'attended', label: { fr: 'a participé à', en: 'attended' }, from: ['Person', 'Organization'], to: ['Event'], directed: true },
      { name: 'called', label: { fr: 'a appelé', en: 'called' }, from: ['Phone'], to: ['Phone'], directed: true },
    ],
  },
};

function setup(overrides: Partial<Record<keyof ApiClient, unknown>> = {}) {
  localStorage.setItem('vigie.language', 'en');
  const calls = { neighbourhood: [] as NeighbourhoodRequest[], paths: [] as PathsRequest[], timeline: [] as TimelineRequest[] };
  const api = {
    types: async () => TYPES,
    graphNeighbourhood: async (r: NeighbourhoodRequest) => {
      calls.neighbourhood.push(r);
      if (r.linkTypes) return { nodes: [node(B, 'Organization', 'Ancre'), node(C, 'Event', 'Sommet')], edges: [edge(E2, B, C, 'attended')], truncated: false };
      return { nodes: [node(A, 'Person', 'Irène'), node(B, 'Organization', 'Ancre', 'S', ['op-saphir'])], edges: [edge(E1, A, B, 'works_for')], truncated: false };
    },
    graphPaths: async (r: PathsRequest) => {
      calls.paths.push(r);
      return { paths: [{ nodeIds: [A, B, C], edgeIds: [E1, E2], length: 2 }], nodes: [], edges: [], truncated: false };
    },
    timeline: async (r: TimelineRequest) => {
      calls.timeline.push(r);
      if (r.from) return { bucket: 'month', buckets: [], items: [{ kind: 'object', id: C, type: 'Event', at: '2024-02-03', title: 'Sommet', fromId: null, toId: null }], total: 1, truncated: false };
      return {
        bucket: 'month',
        buckets: [
          { start: '2024-01-01T00:00:00.000Z', objects: 0, links: 1 },
          { start: '2024-02-01T00:00:00.000Z', objects: 1, links: 0 },
        ],
        items: [],
        total: 2,
        truncated: false,
      };
    },
    search: async () => ({ items: [], nextCursor: null, total: 0, facets: { types: [], properties: {} } }),
    ...overrides,
  } as unknown as ApiClient;
  const services: Services = {
    api,
    me: { tenant: 'alpha', subject: 'u1', username: 'alpha-s', roles: [], clearance: 'S', compartments: ['op-saphir'] },
    route: { name: 'analysis', ids: [A] },
    navigate: jest.fn(),
    purpose: null,
    askPurpose: jest.fn(),
  };
  const view = (
    <I18nProvider>
      <ServicesContext.Provider value={services}>
        <MarkingsProvider>
          <ClassificationBanner position="top" />
          <AnalysisPage ids={[A]} />
        </MarkingsProvider>
      </ServicesContext.Provider>
    </I18nProvider>
  );
  return { calls, services, view };
}

const row = (container: HTMLElement, id: string) => container.querySelector(`.node-list li[data-id="${id}"]`) as HTMLElement;

describe('AnalysisPage', () => {
  it('loads the seeds’ neighbourhood: nodes listed with type and marking, the seed selected, banner raised', async () => {
    const { view, calls } = setup();
    const { container } = render(view);
    await waitFor(() => expect(row(container, B)).toBeTruthy());
    expect(calls.neighbourhood[0]).toEqual({ ids: [A], hops: 1, limit: 500 });
    expect(row(container, B).textContent).toContain('Ancre');
    expect(row(container, B).textContent).toContain('Organisation');
    expect(row(container, B).textContent).toContain('SECRET');
    expect(screen.getByTestId('canvas').getAttribute('data-nodes')).toBe(`${A},${B}`);
    expect(screen.getByTestId('canvas').getAttribute('aria-label')).toBe('Link graph: 2 objects, 1 links. The list of objects follows.');
    expect((within(row(container, A)).getByRole('checkbox') as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(container.querySelector('.banner-top')?.textContent).toBe('SECRET // OP-SAPHIR'));
  });

  it('expands the selection by the chosen link type (only types that fit the selection are offered)', async () => {
    const { view, calls } = setup();
    const { container } = render(view);
    await waitFor(() => expect(row(container, B)).toBeTruthy());
    const select = container.querySelector('#analysis-link-type') as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(['', 'attended', 'works_for']));
    fireEvent.click(within(row(container, A)).getByRole('checkbox'));
    fireEvent.click(within(row(container, B)).getByRole('checkbox'));
    fireEvent.change(select, { target: { value: 'attended' } });
    fireEvent.click(screen.getByRole('button', { name: 'Expand selection (1)' }));
    await waitFor(() => expect(row(container, C)).toBeTruthy());
    expect(calls.neighbourhood[1]).toEqual({ ids: [B], hops: 1, limit: 500, linkTypes: ['attended'] });
    expect(container.querySelector('.analysis-status')?.textContent).toBe('1 objects added (3 in all).');
  });

  it('finds paths from the first selected object to the second and marks the path', async () => {
    const { view, calls } = setup();
    const { container } = render(view);
    await waitFor(() => expect(row(container, B)).toBeTruthy());
    expect((screen.getByRole('button', { name: 'Find paths' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(row(container, B)).getByRole('checkbox'));
    fireEvent.click(screen.getByRole('button', { name: 'Find paths' }));
    await waitFor(() => expect(container.querySelector('.analysis-status')?.textContent).toBe('1 path(s) found; the shortest has 2 link(s).'));
    expect(calls.paths[0]).toEqual({ fromId: A, toId: B, k: 3, maxHops: 6 });
    expect(row(container, A).querySelector('.path-tag')).toBeTruthy();
    expect(row(container, B).querySelector('.path-tag')).toBeTruthy();
  });

  it('hides the selection and shows it again; a hidden node withdraws its marking from the banner', async () => {
    const { view } = setup();
    const { container } = render(view);
    await waitFor(() => expect(container.querySelector('.banner-top')?.textContent).toBe('SECRET // OP-SAPHIR'));
    fireEvent.click(within(row(container, A)).getByRole('checkbox'));
    fireEvent.click(within(row(container, B)).getByRole('checkbox'));
    fireEvent.click(screen.getByRole('button', { name: 'Hide selection' }));
    expect(row(container, B)).toBeNull();
    expect(screen.getByTestId('canvas').getAttribute('data-edges')).toBe('');
    await waitFor(() => expect(container.querySelector('.banner-top')?.textContent).toBe('DIFFUSION RESTREINTE (RESTRICTED)'));
    fireEvent.click(screen.getByRole('button', { name: 'Show hidden (1)' }));
    expect(row(container, B)).toBeTruthy();
  });

  it('a brushed window asks the timeline which entities fall in it; the graph dims the others and the map keeps only those', async () => {
    const { view, calls } = setup();
    const { container } = render(view);
    await waitFor(() => expect(container.querySelectorAll('.timeline-chart g.bar')).toHaveLength(2));
    expect(calls.timeline[0]).toMatchObject({ ids: [A, B], bucket: 'month', includeLinks: true });
    expect(screen.getByTestId('map').getAttribute('data-window')).toBe('none');
    fireEvent.change(screen.getByLabelText('Window start'), { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('canvas').getAttribute('data-dimmed')).toBe(`${A},${B}`));
    expect(calls.timeline[1]).toMatchObject({ ids: [A, B], from: '2024-02-01T00:00:00.000Z', to: '2024-02-29T23:59:59.999Z', limit: 2000 });
    expect(screen.getByTestId('map').getAttribute('data-window')).toBe(C);
    expect(row(container, A).className).toContain('dimmed');
  });

  it('a 428 offers the purpose dialog instead of data', async () => {
    const { view, services } = setup({
      graphNeighbourhood: async () => {
        throw new ApiError(428, 'PURPOSE_REQUIRED', 'purpose required');
      },
    });
    render(view);
    fireEvent.click(await screen.findByRole('button', { name: 'State a purpose' }));
    expect(services.askPurpose).toHaveBeenCalled();
    expect(screen.getByTestId('canvas').getAttribute('data-nodes')).toBe('');
  });
});
