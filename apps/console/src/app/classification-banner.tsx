import { useCombinedMarking } from './markings-context';
import { useI18n } from './i18n-context';

/** The banner at the top and bottom of every screen: the highest marking currently displayed. */
export function ClassificationBanner({ position }: { position: 'top' | 'bottom' }) {
  const { t } = useI18n();
  const marking = useCombinedMarking();
  const text = [t(`level.${marking.level}`), ...marking.compartments.map((c) => c.toUpperCase())].join(' // ');
  return (
    <div className={`classification-banner level-${marking.level} banner-${position}`} role={position === 'top' ? 'status' : undefined} aria-label={position === 'top' ? t('banner.label') : undefined} aria-hidden={position === 'bottom' ? true : undefined} data-level={marking.level}>
      {text}
    </div>
  );
}
