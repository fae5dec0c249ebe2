import { useState } from 'react';
import { PlatformHealth } from '../lib/api-client';
import { ErrorView } from './error-view';
import { useI18n } from './i18n-context';
import { useServices } from './services-context';
import { useResource } from './use-resource';

function statusText(t: ReturnType<typeof useI18n>['t'], status: string): string {
  return status === 'up' || status === 'down' || status === 'degraded' ? t(`status.${status}`) : status;
}

/** Platform status: each service and its dependencies, with versions and latencies. */
export function AboutPage() {
  const { t, number } = useI18n();
  const { api } = useServices();
  const [round, setRound] = useState(0);
  const health = useResource<PlatformHealth>(String(round), (signal) => api.health(signal));
  const ms = (value: number | undefined) => (value === undefined ? '' : `${number(value, { maximumFractionDigits: 0 })} ms`);
  return (
    <section aria-labelledby="about-title">
      <h1 id="about-title">{t('about.title')}</h1>
      <button type="button" onClick={() => setRound((r) => r + 1)}>
        {t('about.refresh')}
      </button>
      {health.status === 'loading' && <p aria-live="polite">{t('common.loading')}</p>}
      {health.status === 'error' && <ErrorView error={health.error} />}
      {health.status === 'ready' && (
        <>
          <p>
            <span className={`status status-${health.data.status}`}>{statusText(t, health.data.status)}</span> · {t('about.version', { version: health.data.version })}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('about.service')}</th>
                <th scope="col">{t('about.status')}</th>
                <th scope="col">{t('about.latency')}</th>
                <th scope="col">{t('about.dependencies')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(health.data.services).map(([name, service]) => (
                <tr key={name}>
                  <th scope="row">
                    {name} {service.version && <span className="muted">{service.version}</span>}
                  </th>
                  <td>
                    <span className={`status status-${service.status}`}>{statusText(t, service.status)}</span>
                    {service.error && <span className="muted"> {service.error.message}</span>}
                  </td>
                  <td>{ms(service.latencyMs)}</td>
                  <td>
                    <ul className="plain">
                      {(service.dependencies ?? []).map((dep) => (
                        <li key={dep.name}>
                          {dep.name}: <span className={`status status-${dep.status}`}>{statusText(t, dep.status)}</span> {dep.version && <span className="muted">{dep.version}</span>} {ms(dep.latencyMs)}
                          {dep.error && <p className="dependency-problem">{dep.error}</p>}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
