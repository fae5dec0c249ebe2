import { FormEvent, useState } from 'react';
import { useI18n } from './i18n-context';

/** Before login: the organisation (realm) and a button to Keycloak's own login page. */
export function LoginPage({ defaultRealm, message, onLogin }: { defaultRealm: string; message: string | null; onLogin(realm: string): void }) {
  const { t, language, setLanguage } = useI18n();
  const [realm, setRealm] = useState(defaultRealm);
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    onLogin(realm.trim());
  };
  return (
    <main className="login" id="main">
      <form onSubmit={submit} className="login-card" aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        {message && (
          <p className="notice" role="alert">
            {message}
          </p>
        )}
        <label htmlFor="login-realm">{t('login.realm')}</label>
        <input id="login-realm" name="realm" required pattern="[a-z0-9][a-z0-9_\-]{0,63}" value={realm} onChange={(e) => setRealm(e.target.value)} aria-describedby="login-realm-help" autoComplete="organization" autoFocus />
        <p id="login-realm-help" className="muted">
          {t('login.realmHelp')}
        </p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.loading') : t('login.submit')}
        </button>
        <button type="button" className="link" lang={language === 'fr' ? 'en' : 'fr'} aria-label={t('lang.switchLabel')} onClick={() => setLanguage(language === 'fr' ? 'en' : 'fr')}>
          {t('lang.switch')}
        </button>
      </form>
    </main>
  );
}
