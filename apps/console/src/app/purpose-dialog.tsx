import { FormEvent, useEffect, useRef, useState } from 'react';
import { ConsoleException } from '../lib/console.exception';
import { Purpose } from '../lib/purpose';
import { useI18n } from './i18n-context';

interface Props {
  open: boolean;
  cases: Purpose[];
  active: Purpose | null;
  onState(purpose: Purpose): void;
  onActivate(caseRef: string): void;
  onClear(): void;
  onClose(): void;
}

/** The purpose dialog (case reference + justification): a native modal dialog, so focus stays inside and Escape closes it. */
export function PurposeDialog({ open, cases, active, onState, onActivate, onClear, onClose }: Props) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [caseRef, setCaseRef] = useState('');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setCaseRef(active?.caseRef ?? '');
      setJustification(active?.justification ?? '');
      setError(null);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open, active]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      onState({ caseRef, justification });
    } catch (e) {
      setError(e instanceof ConsoleException ? e.message : String(e));
    }
  };

  return (
    <dialog ref={ref} className="purpose-dialog" aria-labelledby="purpose-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="purpose-title">{t('purpose.title')}</h2>
        <p>{t('purpose.intro')}</p>
        {cases.length > 0 && (
          <fieldset>
            <legend>{t('purpose.recent')}</legend>
            <ul className="recent-cases">
              {cases.map((c) => (
                <li key={c.caseRef}>
                  <button type="button" className={c.caseRef === active?.caseRef ? 'link current' : 'link'} aria-current={c.caseRef === active?.caseRef ? 'true' : undefined} onClick={() => onActivate(c.caseRef)}>
                    {c.caseRef}
                  </button>{' '}
                  <span className="muted">{c.justification}</span>
                </li>
              ))}
            </ul>
          </fieldset>
        )}
        <label htmlFor="purpose-case">{t('purpose.caseRef')}</label>
        <input id="purpose-case" name="caseRef" required maxLength={200} value={caseRef} onChange={(e) => setCaseRef(e.target.value)} autoComplete="off" />
        <label htmlFor="purpose-justification">{t('purpose.justification')}</label>
        <textarea id="purpose-justification" name="justification" required maxLength={2000} rows={3} value={justification} onChange={(e) => setJustification(e.target.value)} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary">
            {t('purpose.submit')}
          </button>
          <button type="button" onClick={onClose}>
            {t('purpose.cancel')}
          </button>
          {active && (
            <button type="button" className="link" onClick={onClear}>
              {t('purpose.clear')}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}
