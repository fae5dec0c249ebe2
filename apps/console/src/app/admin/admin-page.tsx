import { FormEvent, useMemo, useState } from 'react';
import { AdminClient, TenantView, UserView } from '../../lib/admin/admin-client';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { MarkingBadge } from '../marking-badge';
import { useServices } from '../services-context';
import { useResource } from '../use-resource';
import { CreateUserForm } from './create-user-form';
import { UserEditor } from './user-editor';

/** Administration (role vigie-admin): the tenant's users — create, disable/enable, roles, groups, clearance, compartments. */
export function AdminPage() {
  const { t } = useI18n();
  const { api, me } = useServices();
  const client = useMemo(() => new AdminClient(api, me.tenant), [api, me.tenant]);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [reload, setReload] = useState(0);
  const [selected, setSelected] = useState<UserView | null>(null);
  const [creating, setCreating] = useState(false);
  const tenant = useResource<TenantView>(`tenant-${me.tenant}`, (signal) => client.tenant(signal));
  const users = useResource(`users-${query}-${reload}`, (signal) => client.users(query, 0, 100, signal));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(search);
  };
  // The editor keeps the user as the last answer gave it, so it stays up while the list reloads.
  const updated = (user: UserView) => {
    setSelected(user);
    setReload((r) => r + 1);
  };

  return (
    <div className="admin">
      <h1>{t('admin.title', { tenant: me.tenant })}</h1>
      <form className="search-form" role="search" onSubmit={submit}>
        <label htmlFor="admin-search" className="sr-only">
          {t('admin.search')}
        </label>
        <input id="admin-search" type="search" value={search} placeholder={t('admin.search')} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit">{t('search.submit')}</button>
        <button type="button" className="primary" onClick={() => setCreating(true)} aria-expanded={creating}>
          {t('admin.create')}
        </button>
      </form>
      {tenant.status === 'error' && <ErrorView error={tenant.error} />}
      {creating && tenant.status === 'ready' && (
        <CreateUserForm
          client={client}
          tenant={tenant.data}
          onCreated={(user) => {
            setCreating(false);
            setSearch(user.username);
            setQuery(user.username);
            updated(user);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      <div className="admin-layout">
        <section aria-labelledby="users-title">
          <h2 id="users-title">{t('admin.users')}</h2>
          {users.status === 'loading' && <p>{t('common.loading')}</p>}
          {users.status === 'error' && <ErrorView error={users.error} />}
          {users.status === 'ready' && (
            <table className="users">
              <thead>
                <tr>
                  <th scope="col">{t('admin.username')}</th>
                  <th scope="col">{t('admin.name')}</th>
                  <th scope="col">{t('admin.clearance')}</th>
                  <th scope="col">{t('admin.roles')}</th>
                  <th scope="col">{t('admin.state')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data.users.map((user) => (
                  <tr key={user.id} className={selected?.id === user.id ? 'selected' : undefined}>
                    <th scope="row">
                      <button type="button" className="link" onClick={() => setSelected(user)} aria-pressed={selected?.id === user.id}>
                        {user.username}
                      </button>
                    </th>
                    <td>{[user.firstName, user.lastName].filter(Boolean).join(' ')}</td>
                    <td>
                      <MarkingBadge marking={{ level: user.clearance, compartments: user.compartments }} />
                    </td>
                    <td>{user.roles.filter((r) => r.startsWith('vigie-')).join(', ')}</td>
                    <td>{user.enabled ? t('admin.enabled') : t('admin.disabled')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        {selected && tenant.status === 'ready' && <UserEditor key={selected.id} client={client} tenant={tenant.data} user={selected} onUpdated={updated} />}
      </div>
    </div>
  );
}
