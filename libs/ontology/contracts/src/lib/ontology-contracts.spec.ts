import { ErrorKind } from '@vigie/shared-contracts';
import * as contracts from '../index';
import {
  CLASSIFICATION_LEVELS,
  batchMessageId,
  classificationRank,
  createObjectRequestSchema,
  historyActor,
  ingestBatchSchema,
  ingestBatchSubmitted,
  linkTypeSchema,
  markingSchema,
  objectCount,
  objectTypeSchema,
  OntologyException,
  OntologyExceptionCode,
  ONTOLOGY_ERROR_KIND,
  propertyDefinitionSchema,
  typeUpsertRequestSchema,
} from '../index';

const provenance = { source: 'console' };

describe('ontology contracts', () => {
  it('keeps of an actor, for history, who and what kind only', () => {
    const fromToken = { subject: 's-1', username: 'alice', kind: 'user' as const, roles: ['vigie-analyst'], clearance: 'TS', compartments: ['op-saphir'], clientId: 'vigie-console', expiresAt: 1 };
    expect(historyActor(fromToken)).toEqual({ subject: 's-1', username: 'alice', kind: 'user' });
    expect(historyActor({ subject: 'svc', kind: 'service' })).toEqual({ subject: 'svc', kind: 'service' });
  });

  it('orders classification levels NP < DR < S < TS in one constant', () => {
    expect(CLASSIFICATION_LEVELS).toEqual(['NP', 'DR', 'S', 'TS']);
    expect(classificationRank('TS')).toBeGreaterThan(classificationRank('S'));
    expect(classificationRank('DR')).toBeGreaterThan(classificationRank('NP'));
  });

  it('validates markings: known levels, well-formed and unique compartments', () => {
    expect(markingSchema.parse({ level: 'S' })).toEqual({ level: 'S', compartments: [] });
    expect(markingSchema.safeParse({ level: 'SECRET', compartments: [] }).success).toBe(false);
    expect(markingSchema.safeParse({ level: 'S', compartments: ['Op Saphir'] }).success).toBe(false);
    expect(markingSchema.safeParse({ level: 'S', compartments: ['a', 'a'] }).success).toBe(false);
  });

  it('gives every request and event a well-formed, unique subject', () => {
    const defs = Object.values(contracts as Record<string, unknown>).filter(
      (v): v is { kind: 'request' | 'event'; subject: string } =>
        typeof v === 'object' && v !== null && 'subject' in v && 'kind' in v,
    );
    const subjects = defs.map((d) => d.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(subjects).toEqual(expect.arrayContaining([
      'ontology.v1.object.create', 'ontology.v1.object.list', 'ontology.v1.object.history', 'ontology.v1.object.diff',
      'ontology.v1.link.create', 'ontology.v1.type.upsert', 'ontology.v1.resolution.queue.decide',
      'ontology.v1.resolution.unmerge', 'ontology.v1.events.object.changed', 'ontology.v1.batches.mapped.submitted',
    ]));
    for (const d of defs) {
      if (d.kind === 'request') expect(d.subject).not.toMatch(/\.(events|batches)\./);
    }
    expect(ingestBatchSubmitted.stream).toBe('INGEST');
  });

  it('refuses a tenant in a write payload (the tenant comes from the token)', () => {
    const ok = createObjectRequestSchema.safeParse({ type: 'Person', properties: { fullName: 'Jean Dupont' }, markings: { level: 'NP' }, provenance });
    expect(ok.success).toBe(true);
    const withTenant = createObjectRequestSchema.safeParse({ type: 'Person', properties: {}, markings: { level: 'NP' }, provenance, tenant: 'other' });
    expect(withTenant.success).toBe(false);
  });

  it('describes property kinds as a discriminated union with defaults', () => {
    const p = propertyDefinitionSchema.parse({ name: 'phones', label: { fr: 'Téléphones', en: 'Phones' }, kind: 'identifier', normaliser: 'phone', multiple: true });
    expect(p).toMatchObject({ kind: 'identifier', normaliser: 'phone', multiple: true, required: false, searchable: false });
    expect(propertyDefinitionSchema.safeParse({ name: 'x', label: { fr: 'x', en: 'x' }, kind: 'identifier', normaliser: 'fax' }).success).toBe(false);
    expect(propertyDefinitionSchema.safeParse({ name: 'Bad-Name', label: { fr: 'x', en: 'x' }, kind: 'text' }).success).toBe(false);
    expect(propertyDefinitionSchema.safeParse({ name: 'x', label: { fr: 'x', en: 'x' }, kind: 'enum', values: [] }).success).toBe(false);
  });

  it('normalises link ends to lists and accepts "*"', () => {
    const l = linkTypeSchema.parse({ name: 'related_to', label: { fr: 'lié à', en: 'related to' }, from: '*', to: ['Person', 'Organization'], directed: false });
    expect(l.from).toEqual(['*']);
    expect(l.to).toEqual(['Person', 'Organization']);
    expect(l.hasValidity).toBe(false);
    expect(linkTypeSchema.parse(l)).toEqual(l);
    expect(linkTypeSchema.safeParse({ name: 'WorksFor', label: { fr: 'x', en: 'x' }, from: '*', to: '*', directed: true }).success).toBe(false);
  });

  it('requires PascalCase object type names and accepts STIX-like property names', () => {
    const t = objectTypeSchema.safeParse({
      name: 'ThreatActor', label: { fr: 'Acteur', en: 'Threat actor' }, titleProperty: 'name',
      properties: [
        { name: 'name', label: { fr: 'Nom', en: 'Name' }, kind: 'string' },
        { name: 'stix_id', label: { fr: 'STIX', en: 'STIX' }, kind: 'identifier', normaliser: 'stix-id' },
        { name: 'confidence', label: { fr: 'Confiance', en: 'Confidence' }, kind: 'number', integer: true, min: 0, max: 100 },
      ],
      identityKeys: [{ property: 'stix_id' }],
    });
    expect(t.success).toBe(true);
    expect(objectTypeSchema.safeParse({ name: 'threat-actor', label: { fr: 'a', en: 'a' }, titleProperty: 'name', properties: [] }).success).toBe(false);
  });

  it('bounds INGEST batches and derives a deduplication id', () => {
    const batch = ingestBatchSchema.parse({
      batchId: 'b1', jobId: 'j1', source: 'registry', seq: 3,
      objects: [{ type: 'Person', sourceKey: 'p1', properties: { fullName: 'Jean Dupont' }, markings: { level: 'NP' } }],
      links: [{ type: 'works_for', fromSourceKey: 'p1', toSourceKey: 'o1', markings: { level: 'NP' } }],
    });
    expect(batch.last).toBe(false);
    expect(batch.links[0].properties).toEqual({});
    expect(batchMessageId(batch)).toBe('ingest:j1:3');
    const tooBig = { batchId: 'b', jobId: 'j', source: 's', seq: 0, objects: Array.from({ length: 5001 }, (_, i) => ({ type: 'Person', sourceKey: `k${i}`, properties: {}, markings: { level: 'NP' } })) };
    expect(ingestBatchSchema.safeParse(tooBig).success).toBe(false);
  });

  it('answers an object count with whether it is exact (a bounded filtered count is "at least")', () => {
    expect(objectCount.response.parse({ count: 3, exact: false })).toEqual({ count: 3, exact: false });
    expect(objectCount.response.safeParse({ count: 3 }).success).toBe(false);
    expect(objectCount.response.safeParse({ count: -1, exact: true }).success).toBe(false);
  });

  it('requires an expected version on type upserts', () => {
    expect(typeUpsertRequestSchema.safeParse({ kind: 'link', type: { name: 'x', label: { fr: 'x', en: 'x' }, from: '*', to: '*', directed: true } }).success).toBe(false);
  });

  it('maps every exception code to an error kind', () => {
    for (const code of Object.values(OntologyExceptionCode)) expect(ONTOLOGY_ERROR_KIND[code]).toBeDefined();
    const e = new OntologyException(OntologyExceptionCode.BreakingTypeChange, 'no', { problems: [] });
    expect(e.kind).toBe(ErrorKind.Conflict);
    expect(e.toReply()).toEqual({ code: 'ONTOLOGY_BREAKING_TYPE_CHANGE', kind: 'conflict', message: 'no', details: { problems: [] } });
    expect(new OntologyException(OntologyExceptionCode.ObjectNotFound, 'x').kind).toBe(ErrorKind.NotFound);
  });
});
