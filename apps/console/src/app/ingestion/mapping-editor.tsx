import { useState } from 'react';
import { IngestionClient, MappingValidation } from '../../lib/ingestion/ingestion-client';
import { ErrorView } from '../error-view';
import { useI18n } from '../i18n-context';

/** The mapping text with a check against the tenant's ontology: each error names its path, line and column. */
export function MappingEditor({ client, value, onChange, columns }: { client: IngestionClient; value: string; onChange(value: string): void; columns: string[] }) {
  const { t } = useI18n();
  const [result, setResult] = useState<MappingValidation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);

  const check = async () => {
    setChecking(true);
    setError(null);
    try {
      setResult(await client.validate(value, columns));
    } catch (e) {
      setResult(null);
      setError(e);
    } finally {
      setChecking(false);
    }
  };

  const invalid = result !== null && !result.ok;
  return (
    <fieldset className="mapping-editor">
      <legend>{t('ingest.mapping')}</legend>
      <label htmlFor="ingest-mapping">{t('ingest.mappingText')}</label>
      <p id="ingest-mapping-help" className="muted">
        {t('ingest.mappingHelp')}
      </p>
      <textarea
        id="ingest-mapping"
        rows={14}
        spellCheck={false}
        value={value}
        aria-describedby={invalid ? 'ingest-mapping-help mapping-errors' : 'ingest-mapping-help'}
        aria-invalid={invalid}
        onChange={(e) => {
          onChange(e.target.value);
          setResult(null);
        }}
      />
      <p>
        <button type="button" onClick={check} disabled={checking || value.trim() === ''}>
          {t('ingest.check')}
        </button>
        {columns.length > 0 && <span className="muted"> {t('ingest.columns', { columns: columns.join(', ') })}</span>}
      </p>
      <div aria-live="polite">
        {result?.ok === true && (
          <p className="notice ok" id="mapping-ok">
            {t('ingest.mappingOk', { objects: result.objects.map((o) => `${o.alias} (${o.type})`).join(', '), links: result.links.length, fields: result.fields.join(', ') })}
          </p>
        )}
        {result?.ok === false && (
          <ul id="mapping-errors" className="notice error mapping-errors">
            {result.errors.map((e, i) => (
              <li key={i}>{t('ingest.mappingError', { line: e.line, column: e.column, path: e.path || '/', message: e.message })}</li>
            ))}
          </ul>
        )}
        {error !== null && <ErrorView error={error} />}
      </div>
    </fieldset>
  );
}
