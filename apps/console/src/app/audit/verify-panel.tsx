import { FormEvent, useState } from 'react';
import { AuditClient, FormProblem, seqRange, VerifyReport, VerifyRow, verifyRows } from '../../lib/audit/audit-client';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';
import { saveFile } from '../ingestion/save-file';

const SHOWN = 200;

/** Verifies the chain (whole or a seq range) and shows the result record by record, with each checkpoint's signature. */
export function VerifyPanel({ client }: { client: AuditClient }) {
  const { t } = useI18n();
  const [fromSeq, setFromSeq] = useState('');
  const [toSeq, setToSeq] = useState('');
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [result, setResult] = useState<{ report: VerifyReport; rows: VerifyRow[]; cut: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const verify = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = seqRange(fromSeq, toSeq);
    setProblems(parsed.problems);
    if (!parsed.range) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const report = await client.verify(parsed.range);
      // Show the records around the first problem, else from the start of the range.
      const problemSeq = report.firstProblem?.range?.fromSeq ?? report.firstProblem?.seq ?? null;
      const start = problemSeq !== null ? Math.max(parsed.range.fromSeq ?? 1, problemSeq - 5) : parsed.range.fromSeq;
      const page = await client.range({ ...(start !== undefined ? { fromSeq: start } : {}), ...(parsed.range.toSeq !== undefined ? { toSeq: parsed.range.toSeq } : {}) }, SHOWN);
      setResult({ report, rows: verifyRows(page.records, report), cut: page.nextCursor !== null });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const exportRange = async () => {
    const parsed = seqRange(fromSeq, toSeq);
    setProblems(parsed.problems);
    if (!parsed.range) return;
    try {
      const file = await client.export(parsed.range);
      saveFile(file.blob, file.fileName);
    } catch (e) {
      setError(e);
    }
  };

  const problemOf = (field: string) => problems.find((p) => p.field === field);
  return (
    <section aria-labelledby="verify-title" className="verify">
      <h2 id="verify-title">{t('audit.verify')}</h2>
      <form onSubmit={verify} noValidate className="verify-form">
        {(['fromSeq', 'toSeq'] as const).map((name) => {
          const problem = problemOf(name);
          return (
            <div className="field" key={name}>
              <label htmlFor={`verify-${name}`}>{t(`audit.field.${name}`)}</label>
              <input
                id={`verify-${name}`}
                inputMode="numeric"
                value={name === 'fromSeq' ? fromSeq : toSeq}
                onChange={(e) => (name === 'fromSeq' ? setFromSeq : setToSeq)(e.target.value)}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `verify-${name}-problem` : undefined}
              />
              {problem && (
                <span id={`verify-${name}-problem`} className="field-error">
                  {t(problem.key)}
                </span>
              )}
            </div>
          );
        })}
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('audit.verifyRun')}
          </button>{' '}
          <button type="button" onClick={exportRange}>
            {t('audit.exportRange')}
          </button>
        </p>
      </form>
      {busy && <p aria-live="polite">{t('common.loading')}</p>}
      {error !== null && <ErrorView error={error} />}
      {result && <VerifyResult {...result} />}
    </section>
  );
}

function VerifyResult({ report, rows, cut }: { report: VerifyReport; rows: VerifyRow[]; cut: boolean }) {
  const { t, date } = useI18n();
  return (
    <div className="verify-result">
      <p className={report.ok ? 'notice ok' : 'notice error'} role="status" id="verify-summary" data-ok={report.ok}>
        {report.ok
          ? t('audit.verifyOk', { count: report.recordsChecked, first: report.firstSeq ?? '—', last: report.lastSeq ?? '—' })
          : t('audit.verifyFailed', { kind: report.firstProblem ? t(`audit.problem.${report.firstProblem.kind}`) : '?', seq: report.firstProblem?.seq ?? '—', message: report.firstProblem?.message ?? '' })}
      </p>
      <ul className="plain verify-facts">
        <li>{t(`audit.start.${report.start ?? 'none'}`, { seq: report.anchorSeq ?? '—' })}</li>
        <li>{report.coveredUpTo === null ? t('audit.notCovered') : t('audit.coveredUpTo', { seq: report.coveredUpTo })}</li>
        {report.unsignedTail > 0 && <li>{t('audit.unsignedTail', { count: report.unsignedTail })}</li>}
      </ul>
      <h3>{t('audit.recordByRecord')}</h3>
      <table className="verify-rows">
        <thead>
          <tr>
            <th scope="col">{t('audit.seq')}</th>
            <th scope="col">{t('audit.verdict')}</th>
            <th scope="col">{t('object.at')}</th>
            <th scope="col">{t('audit.field.action')}</th>
            <th scope="col">{t('audit.hash')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.seq}-${row.record?.eventId ?? 'missing'}`} className={`verdict-${row.verdict.status}`} data-seq={row.seq} data-verdict={row.verdict.status}>
              <td>{row.seq}</td>
              <td>
                {row.verdict.status === 'verified' && (row.verdict.signed ? t('audit.verdict.signed') : t('audit.verdict.verified'))}
                {row.verdict.status === 'unchecked' && t('audit.verdict.unchecked')}
                {row.verdict.status === 'problem' && (
                  <strong>
                    {t(`audit.problem.${row.verdict.problem.kind}`)} — {row.verdict.problem.message}
                  </strong>
                )}
              </td>
              <td>{row.record ? <time dateTime={row.record.recordedAt}>{date(row.record.recordedAt)}</time> : '—'}</td>
              <td>{row.record ? <code>{row.record.event.action}</code> : t('audit.missingRecord')}</td>
              <td>{row.record ? <code title={row.record.hash}>{row.record.hash.slice(0, 12)}…</code> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cut && <p className="muted">{t('audit.cut', { count: rows.length })}</p>}
      <h3>{t('audit.checkpoints')}</h3>
      {report.checkpoints.length === 0 ? (
        <p>{t('audit.noCheckpoints')}</p>
      ) : (
        <table className="verify-checkpoints">
          <thead>
            <tr>
              <th scope="col">{t('audit.seq')}</th>
              <th scope="col">{t('audit.kind')}</th>
              <th scope="col">{t('object.at')}</th>
              <th scope="col">{t('audit.key')}</th>
              <th scope="col">{t('audit.signature')}</th>
              <th scope="col">{t('audit.matchesChain')}</th>
            </tr>
          </thead>
          <tbody>
            {report.checkpoints.map((c, i) => (
              <tr key={`${i}-${c.seq}`}>
                <td>{c.seq}</td>
                <td>{t(`audit.checkpointKind.${c.kind}`)}</td>
                <td>
                  <time dateTime={c.time}>{date(c.time)}</time>
                </td>
                <td>
                  <code title={c.keyId}>{c.keyId.slice(0, 12)}…</code> {c.keyKnown ? '' : t('audit.unknownKey')}
                </td>
                <td className={c.signatureValid ? 'good' : 'bad'}>{c.signatureValid ? t('audit.valid') : t('audit.invalid')}</td>
                <td>{c.matchesChain === null ? t('audit.notChecked') : c.matchesChain ? t('audit.yes') : t('audit.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
