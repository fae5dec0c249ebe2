import { Marking } from '../lib/markings';
import { useI18n } from './i18n-context';

/** A marking as a badge: level colour, short level, compartments; the full label for screen readers. */
export function MarkingBadge({ marking }: { marking: Marking }) {
  const { t } = useI18n();
  const compartments = marking.compartments.map((c) => c.toUpperCase()).join(' · ');
  return (
    <span className={`badge level-${marking.level}`} title={t(`level.${marking.level}`)}>
      <span aria-hidden="true">{marking.level}</span>
      <span className="sr-only">{t(`level.${marking.level}`)}</span>
      {compartments && <span className="badge-compartments">{compartments}</span>}
    </span>
  );
}
