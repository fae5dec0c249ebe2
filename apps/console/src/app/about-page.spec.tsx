/**
 * @jest-environment jsdom
 */
import { render, screen } from '@testing-library/react';
import { ApiClient, PlatformHealth } from '../lib/api-client';
import { AboutPage } from './about-page';
import { I18nProvider } from './i18n-context';
import { Services, ServicesContext } from './services-context';

const NEARLY_FULL =
  "JetStream store 7.30 GiB of 8.00 GiB used (91 %): when it is full, every audited act is refused (the audit log cannot record it) and imports and change events wait (nothing is lost) until there is room — raise the NATS servers' max_file_store (and NATS_JETSTREAM_MAX_STORAGE) or shorten the streams' retention";

function renderAbout(health: PlatformHealth) {
  localStorage.setItem('vigie.language', 'en');
  const services: Services = {
    api: { health: async () => health } as unknown as ApiClient,
    me: { tenant: 'alpha', subject: 'u1', username: 'alpha-admin', roles: [], clearance: 'DR', compartments: [] },
    route: { name: 'about' },
    navigate: jest.fn(),
    purpose: null,
    askPurpose: jest.fn(),
  } as unknown as Services;
  return render(
    <I18nProvider>
      <ServicesContext.Provider value={services}>
        <AboutPage />
      </ServicesContext.Provider>
    </I18nProvider>,
  );
}

describe('AboutPage', () => {
  it('shows a degraded dependency with what the operator must do, and a service the gateway could not reach with why', async () => {
    renderAbout({
      status: 'degraded',
      version: '0.1.0',
      services: {
        ontology: {
          status: 'degraded',
          version: '0.1.0',
          latencyMs: 12,
          dependencies: [
            { name: 'nats-jetstream', status: 'degraded', version: '2.9.10', latencyMs: 3, error: NEARLY_FULL },
            { name: 'postgresql', status: 'up', version: '15.18', latencyMs: 2 },
          ],
        },
        audit: { status: 'down', latencyMs: 2000, error: { code: 'SERVICE_UNAVAILABLE', message: 'no responder for audit.v1.health.check' } },
      },
    });
    expect(await screen.findByText(NEARLY_FULL)).toBeTruthy();
    expect(screen.getByText('no responder for audit.v1.health.check', { exact: false })).toBeTruthy();
    expect(screen.getAllByText('degraded').length).toBeGreaterThanOrEqual(3);
  });
});
