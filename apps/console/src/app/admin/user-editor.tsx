import { useState } from 'react';
import { AdminClient, Clearance, CLEARANCES, TenantView, UserView, VIGIE_ROLES, VigieRole } from '../../lib/admin/admin-client';
import { parseCompartments } from '../../lib/admin/user-form';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';

/** One user's access: enabled, clearance and compartments, roles, groups — each saved on its own. */
export function UserEditor({ client, tenant, user, onUpdated }: { client: AdminClient; tenant: TenantView; user: UserView; onUpdated(user: UserView): void }) {
  const { t } = useI18n();
  const userId = user.id;
  const [clearance, setClearance] = useState<Clearance>(user.clearance);
  const [compartments, setCompartments] = useState(user.compartments.join(', '));
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [groups, setGroups] = useState<string[]>(user.groups);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (what: string, action: () => Promise<UserView>) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const next = await action();
      setSaved(what);
      onUpdated(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const saveClearance = () => {
    const parsed = parseCompartments(compartments);
    if (parsed.invalid.length > 0) return setProblem(t('admin.error.compartment', { value: parsed.invalid.join(', ') }));
    setProblem(null);
    void run(t('admin.savedClearance'), () => client.setClearance(userId, clearance, parsed.compartments));
  };
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...new Set([...list, value])] : list.filter((v) => v !== value));
  const knownCompartments = tenant.compartments.length > 0 ? tenant.compartments.join(', ') : '—';

  return (
    <section aria-labelledby="user-title" className="user-editor">
      <h2 id="user-title">{user.username}</h2>
      <p className="muted">
        {[user.firstName, user.lastName].filter(Boolean).join(' ')} · {user.email ?? ''}
      </p>
      <p>
        {user.enabled ? t('admin.enabled') : t('admin.disabled')}{' '}
        <button type="button" disabled={busy} onClick={() => run(`${t('admin.state')} — ${user.enabled ? t('admin.disabled') : t('admin.enabled')}`, () => client.setEnabled(userId, !user.enabled))}>
          {user.enabled ? t('admin.disable') : t('admin.enable')}
        </button>
      </p>
      <fieldset>
        <legend>{t('admin.clearance')}</legend>
        <label htmlFor="user-clearance">{t('admin.level')}</label>
        <select id="user-clearance" value={clearance} onChange={(e) => setClearance(e.target.value as Clearance)}>
          {CLEARANCES.map((c) => (
            <option key={c} value={c}>
              {t(`level.${c}`)}
            </option>
          ))}
        </select>
        <label htmlFor="user-compartments">{t('admin.compartments')}</label>
        <input id="user-compartments" value={compartments} onChange={(e) => setCompartments(e.target.value)} aria-describedby="user-compartments-help" />
        <p id="user-compartments-help" className="muted">
          {t('admin.knownCompartments', { list: knownCompartments })}
        </p>
        <button type="button" className="primary" disabled={busy} onClick={saveClearance}>
          {t('admin.saveClearance')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('admin.roles')}</legend>
        {VIGIE_ROLES.map((role) => (
          <label key={role} className="inline">
            <input type="checkbox" checked={roles.includes(role)} onChange={(e) => setRoles(toggle(roles, role, e.target.checked))} /> {role}
          </label>
        ))}
        <button type="button" disabled={busy} onClick={() => run(t('admin.roles'), () => client.setRoles(userId, roles.filter((r): r is VigieRole => (VIGIE_ROLES as readonly string[]).includes(r))))}>
          {t('admin.saveRoles')}
        </button>
      </fieldset>
      <fieldset>
        <legend>{t('admin.groups')}</legend>
        {tenant.groups.length === 0 && <p>{t('admin.noGroups')}</p>}
        {tenant.groups.map((group) => (
          <label key={group} className="inline">
            <input type="checkbox" checked={groups.includes(group)} onChange={(e) => setGroups(toggle(groups, group, e.target.checked))} /> {group}
          </label>
        ))}
        <button type="button" disabled={busy} onClick={() => run(t('admin.groups'), () => client.setGroups(userId, groups))}>
          {t('admin.saveGroups')}
        </button>
      </fieldset>
      <div aria-live="polite">
        {problem && (
          <p className="notice error" role="alert">
            {problem}
          </p>
        )}
        {saved && (
          <p className="notice ok" id="user-saved">
            {t('admin.saved', { what: saved })}
          </p>
        )}
      </div>
      {error !== null && <ErrorView error={error} />}
    </section>
  );
}
