import { ErrorKind, HTTP_STATUS_BY_KIND } from '@vigie/shared-contracts';
import { IngestionException, IngestionExceptionCode, INGESTION_ERROR_KIND } from './ingestion.exception';
import { jobCancel, jobCreate, jobCreateRequestSchema, jobGet, jobList, jobProgressed, mappingValidate, quarantineList } from './job.contract';
import { jobCountsSchema } from './job.schema';
import { ingestionHealthCheck } from './subjects';

describe('ingestion contracts', () => {
  it('use versioned subjects of the ingestion service; the progress event is on an events subject', () => {
    expect([jobCreate, jobGet, jobList, jobCancel, quarantineList, mappingValidate, ingestionHealthCheck].map((c) => [c.subject, c.service])).toEqual([
      ['ingestion.v1.job.create', 'ingestion'],
      ['ingestion.v1.job.get', 'ingestion'],
      ['ingestion.v1.job.list', 'ingestion'],
      ['ingestion.v1.job.cancel', 'ingestion'],
      ['ingestion.v1.quarantine.list', 'ingestion'],
      ['ingestion.v1.mapping.validate', 'ingestion'],
      ['ingestion.v1.health.check', 'ingestion'],
    ]);
    expect(jobProgressed.subject).toBe('ingestion.v1.events.job.progressed');
  });

  it('require a mapping for tabular formats, not for STIX, and never both forms', () => {
    const base = { source: 'registry', fileName: 'people.csv', objectName: 'uploads/1' };
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'csv' }).success).toBe(false);
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'csv', mapping: 'version: 1' }).success).toBe(true);
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'stix' }).success).toBe(true);
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'csv', mapping: 'x', mappingId: '5e9b4a3c-2d1f-4e8a-9b7c-6d5e4f3a2b1c' }).success).toBe(false);
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'xlsx', mapping: 'x' }).success).toBe(false);
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'csv', mapping: 'x', markings: { level: 'SECRET' } }).success).toBe(false);
    expect(jobCreateRequestSchema.safeParse({ ...base, format: 'csv', mapping: 'x', tenant: 'other' }).success).toBe(false);
  });

  it('count records as non-negative integers', () => {
    expect(jobCountsSchema.safeParse({ read: 3, valid: 2, quarantined: 1, written: 2, merged: 0 }).success).toBe(true);
    expect(jobCountsSchema.safeParse({ read: -1, valid: 0, quarantined: 0, written: 0, merged: 0 }).success).toBe(false);
  });

  it('give every exception code a kind, hence an HTTP status; markings above clearance are forbidden', () => {
    for (const code of Object.values(IngestionExceptionCode)) expect(HTTP_STATUS_BY_KIND[INGESTION_ERROR_KIND[code]]).toBeGreaterThanOrEqual(400);
    const error = new IngestionException(IngestionExceptionCode.MarkingsAboveClearance, 'level TS is above S');
    expect(error.toReply()).toEqual({ code: 'INGESTION_MARKINGS_ABOVE_CLEARANCE', kind: ErrorKind.Forbidden, message: 'level TS is above S' });
    expect(new IngestionException(IngestionExceptionCode.InvalidMapping, 'bad', { errors: [] }).kind).toBe(ErrorKind.Invalid);
  });
});
