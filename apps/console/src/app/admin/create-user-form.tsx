import { FormEvent, useState } from 'react';
import { AdminClient, CLEARANCES, TenantView, UserView, VIGIE_ROLES } from '../../lib/admin/admin-client';
import { FieldProblem, newUserBody, NewUserForm } from '../../lib/admin/user-form';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';

const EMPTY: NewUserForm = { username: '', email: '', firstName: '', lastName: '', clearance: 'NP', compartments: '', roles: [], groups: [], temporaryPassword: '' };

/** Creates a user with clearance, compartments, roles and groups; each bad field is named beside it. */
export function CreateUserForm({ client, tenant, onCreated, onCancel }: { client: AdminClient; tenant: TenantView; onCreated(user: UserView): void; onCancel(): void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<NewUserForm>(EMPTY);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const built = newUserBody(form);
    setProblems(built.problems);
    if (!built.body) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await client.create(built.body));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const problemText = (field: FieldProblem['field']) =>
    problems
      .filter((p) => p.field === field)
      .map((p) => t(p.key, { value: p.value ?? '' }))
      .join(' ');
  const text = (field: 'username' | 'email' | 'firstName' | 'lastName' | 'compartments' | 'temporaryPassword', type = 'text') => {
    const problem = problemText(field);
    return (
      <div className="field">
        <label htmlFor={`new-${field}`}>{t(`admin.field.${field}`)}</label>
        <input
          id={`new-${field}`}
          type={type}
          value={form[field]}
          autoComplete="off"
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `new-${field}-problem` : undefined}
          onChange={(e) => setForm({ ...form, [field]: e.target.value })}
        />
        {problem && (
          <span id={`new-${field}-problem`} className="field-error">
            {problem}
          </span>
        )}
      </div>
    );
  };
  const toggle = (key: 'roles' | 'groups', value: string, on: boolean) => setForm({ ...form, [key]: on ? [...new Set([...form[key], value])] : form[key].filter((v) => v !== value) });

  return (
    <form className="create-user" onSubmit={submit} noValidate aria-labelledby="create-title">
      <h2 id="create-title">{t('admin.create')}</h2>
      <div className="fields">
        {text('username')}
        {text('email', 'email')}
        {text('firstName')}
        {text('lastName')}
        <div className="field">
          <label htmlFor="new-clearance">{t('admin.clearance')}</label>
          <select id="new-clearance" value={form.clearance} onChange={(e) => setForm({ ...form, clearance: e.target.value })}>
            {CLEARANCES.map((c) => (
              <option key={c} value={c}>
                {t(`level.${c}`)}
              </option>
            ))}
          </select>
        </div>
        {text('compartments')}
        {text('temporaryPassword', 'password')}
      </div>
      <fieldset>
        <legend>{t('admin.roles')}</legend>
        {VIGIE_ROLES.map((role) => (
          <label key={role} className="inline">
            <input type="checkbox" checked={form.roles.includes(role)} onChange={(e) => toggle('roles', role, e.target.checked)} /> {role}
          </label>
        ))}
      </fieldset>
      {tenant.groups.length > 0 && (
        <fieldset>
          <legend>{t('admin.groups')}</legend>
          {tenant.groups.map((group) => (
            <label key={group} className="inline">
              <input type="checkbox" checked={form.groups.includes(group)} onChange={(e) => toggle('groups', group, e.target.checked)} /> {group}
            </label>
          ))}
        </fieldset>
      )}
      {error !== null && <ErrorView error={error} />}
      <p className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('admin.createSubmit')}
        </button>{' '}
        <button type="button" onClick={onCancel}>
          {t('purpose.cancel')}
        </button>
      </p>
    </form>
  );
}
