import { FormEvent, useMemo, useState } from 'react';
import { AUDIT_OUTCOMES, AuditClient, AuditQueryForm, AuditRecord, auditQueryParams, EMPTY_AUDIT_QUERY, FormProblem } from '../../lib/audit/audit-client';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { saveFile } from '../ingestion/save-file';
import { useServices } from '../services-context';
import { VerifyPanel } from './verify-panel';

const TEXT_FIELDS = ['actor', 'action', 'resourceId', 'resourceType', 'purposeCaseRef'] as const;

/** Audit (role vigie-auditor): query the tenant's audit trail, page by cursor, export NDJSON, verify the chain. */
export function AuditPage() {
  const { t } = useI18n();
  const { api } = useServices();
  const client = useMemo(() => new AuditClient(api), [api]);
  const [form, setForm] = useState<AuditQueryForm>(EMPTY_AUDIT_QUERY);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [params, setParams] = useState<AuditQueryForm | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = async (query: AuditQueryForm, after?: string) => {
    const built = auditQueryParams(query, after);
    setProblems(built.problems);
    if (!built.params) return;
    setBusy(true);
    setError(null);
    try {
      const page = await client.records(built.params);
      setRecords((prev) => (after && prev ? [...prev, ...page.records] : page.records));
      setCursor(page.nextCursor);
      setParams(query);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load(form);
  };

  const exportAll = async () => {
    setError(null);
    try {
      const file = await client.export({});
      saveFile(file.blob, file.fileName);
    } catch (e) {
      setError(e);
    }
  };

  const problemOf = (field: string) => problems.find((p) => p.field === field);
  const field = (name: keyof AuditQueryForm, type = 'text') => {
    const problem = problemOf(name);
    return (
      <div className="field" key={name}>
        <label htmlFor={`audit-${name}`}>{t(`audit.field.${name}`)}</label>
        <input
          id={`audit-${name}`}
          type={type}
          value={form[name]}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `audit-${name}-problem` : undefined}
          onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        />
        {problem && (
          <span id={`audit-${name}-problem`} className="field-error">
            {t(problem.key)}
          </span>
        )}
      </div>
    );
  };

  return (
    <div className="audit">
      <h1>{t('audit.title')}</h1>
      <form className="audit-query" onSubmit={submit} noValidate aria-label={t('audit.query')}>
        <div className="fields">
          {TEXT_FIELDS.map((name) => field(name))}
          {field('from', 'datetime-local')}
          {field('to', 'datetime-local')}
          <div className="field">
            <label htmlFor="audit-outcome">{t('audit.field.outcome')}</label>
            <select id="audit-outcome" value={form.outcome} onChange={(e) => setForm({ ...form, outcome: e.target.value as AuditQueryForm['outcome'] })}>
              <option value="">{t('audit.any')}</option>
              {AUDIT_OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {t(`audit.outcome.${o}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="audit-withPurpose">{t('audit.field.withPurpose')}</label>
            <select id="audit-withPurpose" value={form.withPurpose} onChange={(e) => setForm({ ...form, withPurpose: e.target.value as AuditQueryForm['withPurpose'] })}>
              <option value="">{t('audit.any')}</option>
              <option value="true">{t('audit.withPurpose')}</option>
              <option value="false">{t('audit.withoutPurpose')}</option>
            </select>
          </div>
        </div>
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('audit.search')}
          </button>{' '}
          <button
            type="button"
            onClick={() => {
              setForm(EMPTY_AUDIT_QUERY);
              setProblems([]);
            }}
          >
            {t('search.clearFilters')}
          </button>{' '}
          <button type="button" onClick={exportAll}>
            {t('audit.export')}
          </button>
        </p>
      </form>
      {error !== null && <ErrorView error={error} />}
      {records !== null && (
        <section aria-labelledby="audit-results-title">
          <h2 id="audit-results-title" aria-live="polite">
            {t('audit.results', { count: records.length })}
          </h2>
          <RecordsTable records={records} />
          {cursor && params && (
            <button type="button" onClick={() => load(params, cursor)} disabled={busy}>
              {t('search.more')}
            </button>
          )}
        </section>
      )}
      <VerifyPanel client={client} />
    </div>
  );
}

export function RecordsTable({ records }: { records: AuditRecord[] }) {
  const { t, date } = useI18n();
  if (records.length === 0) return <p>{t('search.noResults')}</p>;
  return (
    <table className="audit-records">
      <thead>
        <tr>
          <th scope="col">{t('audit.seq')}</th>
          <th scope="col">{t('object.at')}</th>
          <th scope="col">{t('audit.field.actor')}</th>
          <th scope="col">{t('audit.field.action')}</th>
          <th scope="col">{t('audit.resources')}</th>
          <th scope="col">{t('audit.field.purposeCaseRef')}</th>
          <th scope="col">{t('audit.field.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.seq}>
            <td>{r.seq}</td>
            <td>
              <time dateTime={r.event.time}>{date(r.event.time)}</time>
            </td>
            <td>{r.event.actor.username ?? r.event.actor.sub}</td>
            <td>
              <code>{r.event.action}</code>
            </td>
            <td>{r.event.resources.slice(0, 3).map((res) => `${res.type}:${res.id}`).join(', ') + (r.event.resources.length > 3 ? ` (+${r.event.resources.length - 3})` : '')}</td>
            <td>{r.event.purpose ? <span title={r.event.purpose.justification}>{r.event.purpose.caseRef}</span> : '—'}</td>
            <td className={`outcome-${r.event.outcome}`}>{t(`audit.outcome.${r.event.outcome}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
