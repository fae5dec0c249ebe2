import type { JsMsg } from 'nats';
import { batchProcessed, linkChanged, objectChanged, ObjectView, recordsChanged } from '@vigie/ontology-contracts';
import { PoisonMessageError } from '@vigie/shared-messaging';
import { ofSubject, ontologyProjectorConsumerOptions } from './ontology-projector.service';

/**
 * The projector reads each payload through its subject's contract, but validates a page only once:
 * the consumer's parse (the union of every ONTOLOGY payload) is taken as is when the member that
 * matched is the subject's own; otherwise the message is parsed again against the subject's contract.
 */
const consumerParse = ontologyProjectorConsumerOptions({
  batchSize: 1,
  holdDelayMs: 1,
  logger: { warn: () => undefined, error: () => undefined, info: () => undefined } as never,
  onHold: () => undefined,
  handleBatch: async () => undefined,
}).contract.payload;

const at = '2026-01-01T00:00:00.000Z';
const envelope = { eventId: 'e-1', tenant: 'alpha', occurredAt: at, actor: { subject: 'ontology', kind: 'service' as const } };
const object: ObjectView = {
  id: '0b7f7e4e-8f1a-4a53-9a51-0d2b6b0b6c11',
  type: 'Person',
  version: 1,
  title: 'Hélène Lefèvre',
  markings: { level: 'NP', compartments: [] },
  provenance: { source: 'test' },
  properties: { name: { value: 'Hélène Lefèvre', marking: { level: 'NP', compartments: [] }, provenance: { source: 'test' } } },
  entityId: null,
  createdAt: at,
  updatedAt: at,
  deletedAt: null,
};
const page = { ...envelope, objects: [{ change: 'created', object }], links: [] };

const message = (subject: string, raw: unknown): Pick<JsMsg, 'data' | 'subject'> => ({ subject, data: new TextEncoder().encode(JSON.stringify(raw)) });
const pageMatched = (p: Record<string, unknown>) => Array.isArray(p['objects']) && Array.isArray(p['links']);

function delivered(subject: string, raw: unknown) {
  const parsed = consumerParse.safeParse(raw);
  if (!parsed.success) throw new Error(`the consumer would dead-letter it: ${parsed.error.message}`);
  return { payload: parsed.data, msg: message(subject, raw) };
}

describe('ofSubject', () => {
  it('takes the consumer parse of a page as is (no second validation), equal to the page contract parse', () => {
    const { payload, msg } = delivered(recordsChanged.subject, page);
    const e = ofSubject(recordsChanged.payload, payload, msg, pageMatched);
    expect(e).toBe(payload);
    expect(e).toEqual(recordsChanged.payload.parse(page));
  });

  it('takes a single object change as is', () => {
    const raw = { ...envelope, change: 'created', object };
    const { payload, msg } = delivered(objectChanged.subject, raw);
    expect(ofSubject(objectChanged.payload, payload, msg, (p) => typeof p['object'] === 'object')).toBe(payload);
  });

  it('parses again when another member matched: a page with a stray `object` key still applies as a page', () => {
    const raw = { ...page, change: 'created', object };
    const { payload, msg } = delivered(recordsChanged.subject, raw);
    // The union matched object.changed first and dropped the page's lists…
    expect((payload as Record<string, unknown>)['objects']).toBeUndefined();
    // …so the page is read from the message against its own contract.
    expect(ofSubject(recordsChanged.payload, payload, msg, pageMatched)).toEqual(recordsChanged.payload.parse(raw));
  });

  it('refuses as poison a payload of another subject sent on a page subject, naming the subject', () => {
    const single = { ...envelope, change: 'created', object };
    const a = delivered(recordsChanged.subject, single);
    expect(() => ofSubject(recordsChanged.payload, a.payload, a.msg, pageMatched)).toThrow(PoisonMessageError);
    expect(() => ofSubject(recordsChanged.payload, a.payload, a.msg, pageMatched)).toThrow(`payload of ${recordsChanged.subject} does not match its contract`);
    const report = {
      ...envelope,
      batchId: 'b',
      jobId: 'j',
      source: 's',
      seq: 0,
      last: true,
      objects: { created: 1, updated: 0, unchanged: 0 },
      links: { created: 0, updated: 0, unchanged: 0 },
      merged: 0,
      queuedForReview: 0,
      rejected: [],
    };
    expect(batchProcessed.payload.safeParse(report).success).toBe(true);
    const b = delivered(recordsChanged.subject, report);
    expect(() => ofSubject(recordsChanged.payload, b.payload, b.msg, pageMatched)).toThrow(PoisonMessageError);
    const c = delivered(linkChanged.subject, single);
    expect(() => ofSubject(linkChanged.payload, c.payload, c.msg, (p) => typeof p['link'] === 'object')).toThrow(PoisonMessageError);
  });
});
