import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient, Me } from '../lib/api-client';
import { Purpose, PurposeStore } from '../lib/purpose';
import { canOpen, operationScreens } from '../lib/admin/screen-access';
import { hrefFor, parseRoute, Route } from '../lib/router';
import { Session } from '../lib/session';
import { AboutPage } from './about-page';
import { AdminPage } from './admin/admin-page';
import { AuditPage } from './audit/audit-page';
import { IngestionPage } from './ingestion/ingestion-page';
import { ClassificationBanner } from './classification-banner';
import { useI18n } from './i18n-context';
import { Link } from './link';
import { MarkingsProvider } from './markings-context';
import { ObjectPage } from './object-page';
import { PurposeDialog } from './purpose-dialog';
import { SearchPage } from './search-page';
import { Services, ServicesContext } from './services-context';

// The analysis screen (WebGL graph, map) is a chunk of its own, loaded when first opened.
const AnalysisPage = lazy(() => import('./analysis/analysis-page').then((m) => ({ default: m.AnalysisPage })));

function currentRoute(): Route {
  return parseRoute(window.location.pathname, window.location.search);
}

/** The shell: banners, navigation, user and purpose controls, and the current screen. */
export function App({ session, api, me, purposes, onLogout }: { session: Session; api: ApiClient; me: Me; purposes: PurposeStore; onLogout(): void }) {
  const { t, language, setLanguage } = useI18n();
  const [route, setRoute] = useState<Route>(currentRoute);
  const [purpose, setPurpose] = useState<Purpose | null>(() => purposes.active());
  const [dialogOpen, setDialogOpen] = useState(false);

  useEffect(() => {
    const onPop = () => setRoute(currentRoute());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((href: string) => {
    window.history.pushState(null, '', href);
    setRoute(currentRoute());
    window.scrollTo(0, 0);
    document.getElementById('main')?.focus();
  }, []);

  const services = useMemo<Services>(() => ({ api, me, route, navigate, purpose, askPurpose: () => setDialogOpen(true) }), [api, me, route, navigate, purpose]);

  const statePurpose = (input: Purpose) => {
    setPurpose(purposes.state(input));
    setDialogOpen(false);
  };

  return (
    <ServicesContext.Provider value={services}>
      <MarkingsProvider>
        <a className="skip-link" href="#main">
          {t('app.skip')}
        </a>
        <ClassificationBanner position="top" />
        <header className="app-header">
          <span className="brand">{t('app.title')}</span>
          <nav aria-label={t('nav.label')}>
            <ul>
              <li>
                <Link href="/search" current={route.name === 'search'}>
                  {t('nav.search')}
                </Link>
              </li>
              <li>
                <Link href="/analysis" current={route.name === 'analysis'}>
                  {t('nav.analysis')}
                </Link>
              </li>
              {operationScreens(me.roles).map((screen) => (
                <li key={screen}>
                  <Link href={hrefFor({ name: screen })} current={route.name === screen}>
                    {t(`nav.${screen}`)}
                  </Link>
                </li>
              ))}
              <li>
                <Link href="/about" current={route.name === 'about'}>
                  {t('nav.about')}
                </Link>
              </li>
            </ul>
          </nav>
          <div className="header-tools">
            <button type="button" className={purpose ? 'purpose active' : 'purpose'} onClick={() => setDialogOpen(true)} aria-haspopup="dialog">
              {purpose ? t('purpose.button', { caseRef: purpose.caseRef }) : t('purpose.none')}
            </button>
            <button type="button" lang={language === 'fr' ? 'en' : 'fr'} aria-label={t('lang.switchLabel')} onClick={() => setLanguage(language === 'fr' ? 'en' : 'fr')}>
              {t('lang.switch')}
            </button>
            <span className="user">
              {me.username ?? me.subject} · {me.tenant} · {t('user.clearance', { level: me.clearance })}
            </span>
            <button type="button" onClick={onLogout} disabled={session.isEnded}>
              {t('user.logout')}
            </button>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {route.name === 'search' && <SearchPage q={route.q} types={route.types} />}
          {route.name === 'object' && <ObjectPage key={route.id} id={route.id} />}
          {route.name === 'analysis' && (
            <Suspense fallback={<p>{t('common.loading')}</p>}>
              <AnalysisPage ids={route.ids} />
            </Suspense>
          )}
          {route.name === 'ingestion' && (canOpen('ingestion', me.roles) ? <IngestionPage /> : <p role="alert">{t('common.forbidden')}</p>)}
          {route.name === 'audit' && (canOpen('audit', me.roles) ? <AuditPage /> : <p role="alert">{t('common.forbidden')}</p>)}
          {route.name === 'admin' && (canOpen('admin', me.roles) ? <AdminPage /> : <p role="alert">{t('common.forbidden')}</p>)}
          {route.name === 'about' && <AboutPage />}
          {route.name === 'notFound' && <p role="alert">{t('common.notFound')}</p>}
        </main>
        <ClassificationBanner position="bottom" />
        <PurposeDialog
          open={dialogOpen}
          cases={purposes.cases()}
          active={purpose}
          onState={statePurpose}
          onActivate={(caseRef) => {
            if (purposes.activate(caseRef)) setPurpose(purposes.active());
            setDialogOpen(false);
          }}
          onClear={() => {
            purposes.clearActive();
            setPurpose(null);
            setDialogOpen(false);
          }}
          onClose={() => setDialogOpen(false)}
        />
      </MarkingsProvider>
    </ServicesContext.Provider>
  );
}
