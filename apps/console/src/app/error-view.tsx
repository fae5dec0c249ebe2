import { ApiError } from '../lib/api-client';
import { useI18n } from './i18n-context';
import { useServices } from './services-context';

/** An API error in words; a 428 offers the purpose dialog, a 404 never hints that something exists. */
export function ErrorView({ error }: { error: unknown }) {
  const { t } = useI18n();
  const { askPurpose } = useServices();
  if (error instanceof ApiError && error.purposeRequired) {
    return (
      <div className="notice" role="alert">
        <p>{t('purpose.required')}</p>
        <button type="button" onClick={askPurpose}>
          {t('purpose.none')}
        </button>
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 404) return <p className="notice" role="alert">{t('common.notFound')}</p>;
  if (error instanceof ApiError && error.status === 403) return <p className="notice" role="alert">{t('common.forbidden')}</p>;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p className="notice error" role="alert">
      {t('common.error', { message })}
      {error instanceof ApiError && error.traceId ? ` (trace ${error.traceId})` : ''}
    </p>
  );
}
