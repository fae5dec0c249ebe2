import { ReactElement, StrictMode } from 'react';
import { createRoot, Root } from 'react-dom/client';
import { App } from './app/app';
import { I18nProvider } from './app/i18n-context';
import { LoginPage } from './app/login-page';
import { ApiClient } from './lib/api-client';
import { ConsoleConfig, parseConsoleConfig, REALM_PATTERN } from './lib/console-config';
import { translate, initialLanguage } from './lib/i18n';
import { MemoryStore } from './lib/memory-store';
import { KeyValueStore, OidcClient } from './lib/oidc-client';
import { PurposeStore } from './lib/purpose';
import { Session } from './lib/session';
import './styles.css';

const REALM_KEY = 'vigie.realm';
/** Set while logged in in this tab, so a reload logs in again through Keycloak's SSO session without a click. */
const AUTO_LOGIN_KEY = 'vigie.autologin';

function storage(kind: 'localStorage' | 'sessionStorage'): KeyValueStore {
  try {
    const s = window[kind];
    s.getItem('probe');
    return s;
  } catch {
    return new MemoryStore();
  }
}

const local = storage('localStorage');
const tab = storage('sessionStorage');

function oidcFor(config: ConsoleConfig, realm: string): OidcClient {
  const origin = window.location.origin;
  return new OidcClient({ keycloakUrl: config.keycloakUrl, realm, clientId: config.clientId, redirectUri: `${origin}/`, postLogoutRedirectUri: `${origin}/` }, { store: tab, fetch: window.fetch.bind(window) });
}

function render(root: Root, node: ReactElement): void {
  root.render(
    <StrictMode>
      <I18nProvider>{node}</I18nProvider>
    </StrictMode>,
  );
}

async function startLogin(config: ConsoleConfig, realm: string): Promise<void> {
  local.setItem(REALM_KEY, realm);
  tab.setItem(REALM_KEY, realm);
  const returnTo = window.location.pathname + window.location.search;
  window.location.assign(await oidcFor(config, realm).beginLogin(returnTo.startsWith('/') ? returnTo : '/'));
}

function showLogin(root: Root, config: ConsoleConfig, message: string | null): void {
  const remembered = local.getItem(REALM_KEY);
  const realm = remembered && REALM_PATTERN.test(remembered) ? remembered : (config.defaultRealm ?? '');
  render(root, <LoginPage defaultRealm={realm} message={message} onLogin={(r) => void startLogin(config, r)} />);
}

async function boot(root: Root): Promise<void> {
  const res = await fetch('/console-config.json', { credentials: 'omit' });
  if (!res.ok) throw new Error(`/console-config.json answered ${res.status}`);
  const config = parseConsoleConfig(await res.json());
  const query = new URLSearchParams(window.location.search);
  const language = initialLanguage(local.getItem('vigie.language'), navigator.languages ?? []);

  if (!OidcClient.isCallback(query)) {
    const realm = tab.getItem(REALM_KEY);
    if (tab.getItem(AUTO_LOGIN_KEY) && realm) return startLogin(config, realm);
    return showLogin(root, config, null);
  }

  const realm = tab.getItem(REALM_KEY) ?? '';
  const oidc = oidcFor(config, realm);
  let tokens;
  let returnTo = '/';
  try {
    ({ tokens, returnTo } = await oidc.completeLogin(query));
  } catch (error) {
    window.history.replaceState(null, '', '/');
    tab.removeItem(AUTO_LOGIN_KEY);
    return showLogin(root, config, translate(language, 'login.failed', { reason: (error as Error).message }));
  }
  window.history.replaceState(null, '', returnTo);
  tab.setItem(AUTO_LOGIN_KEY, '1');
  const session = new Session(oidc, tokens);
  let purposes: PurposeStore | null = null;
  const api = new ApiClient({ fetch: window.fetch.bind(window), accessToken: () => session.accessToken(), purpose: () => purposes?.active() ?? null });
  const me = await api.me();
  purposes = new PurposeStore(local, `${me.tenant}.${me.subject}`);
  session.onEnded((reason) => {
    if (reason === 'logged out') return;
    tab.removeItem(AUTO_LOGIN_KEY);
    showLogin(root, config, translate(language, 'login.ended'));
  });
  const logout = () => {
    tab.removeItem(AUTO_LOGIN_KEY);
    window.location.assign(session.logout());
  };
  render(root, <App session={session} api={api} me={me} purposes={purposes} onLogout={logout} />);
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
const root = createRoot(container);
boot(root).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  render(root, <p role="alert" className="notice error">{`Vigie: ${message}`}</p>);
});
