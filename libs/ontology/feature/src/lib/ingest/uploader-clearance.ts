import { BatchUploader, classificationRank, IngestBatch, Marking, OntologyException, OntologyExceptionCode } from '@vigie/ontology-contracts';

/** What of `marking` the uploader does not hold (a level above theirs, compartments they lack), or null. */
export function markingExcess(marking: Marking, uploader: Pick<BatchUploader, 'clearance' | 'compartments'>): string | null {
  const parts: string[] = [];
  if (classificationRank(marking.level) > classificationRank(uploader.clearance)) parts.push(`level ${marking.level} above clearance ${uploader.clearance}`);
  const missing = marking.compartments.filter((c) => !uploader.compartments.includes(c));
  if (missing.length) parts.push(`compartment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not held`);
  return parts.length ? parts.join('; ') : null;
}

/** Every marking a record carries: its own and those of its properties. */
function markingsOf(record: { markings: Marking; propertyMarkings?: Record<string, Marking> }): { where: string; marking: Marking }[] {
  return [{ where: 'markings', marking: record.markings }, ...Object.entries(record.propertyMarkings ?? {}).map(([name, marking]) => ({ where: `property ${name}`, marking }))];
}

/**
 * Refuses a batch holding a marking above what its uploader may write (the clearance the
 * publishing job carries in `uploader`): a publisher never writes more than the person it writes
 * for. The whole batch is refused — with every offending record named (up to 20) — so that the
 * INGEST consumer dead-letters it and ingestion quarantines its records with the reason; nothing
 * of it is written. A batch without `uploader` (an older publisher) is not checked here.
 */
export function assertWithinUploaderClearance(batch: IngestBatch): void {
  const uploader = batch.uploader;
  if (!uploader) return;
  const offences: string[] = [];
  const check = (kind: 'object' | 'link', key: string, record: { markings: Marking; propertyMarkings?: Record<string, Marking> }) => {
    for (const { where, marking } of markingsOf(record)) {
      const excess = markingExcess(marking, uploader);
      if (excess) offences.push(`${kind} ${key} (${where}): ${excess}`);
    }
  };
  for (const o of batch.objects) check('object', o.sourceKey, o);
  for (const l of batch.links) check('link', l.sourceKey ?? `${l.type} ${l.fromSourceKey}→${l.toSourceKey}`, l);
  if (!offences.length) return;
  throw new OntologyException(
    OntologyExceptionCode.MarkingAboveClearance,
    `batch ${batch.batchId} (job ${batch.jobId}, seq ${batch.seq}) is refused: ${offences.length} marking(s) above the clearance of its uploader ${uploader.subject}: ${offences.slice(0, 20).join('; ')}${offences.length > 20 ? '; …' : ''}`,
    { batchId: batch.batchId, jobId: batch.jobId, seq: batch.seq, uploader: uploader.subject, offences: offences.length },
  );
}
