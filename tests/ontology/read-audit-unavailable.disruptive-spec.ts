import type { JetStreamManager, NatsConnection } from 'nats';
import type { ObjectView } from '@vigie/ontology-contracts';
import { api, eventually, PURPOSE, runSuffix, setupConnection, tokenOf } from './ontology-test.helpers';

/**
 * Fail closed, end to end against the running services: while the AUDIT stream cannot take the
 * ontology's read events, a read through the gateway answers 503 AUDIT_UNAVAILABLE and serves none
 * of the object; once the stream takes them again, the same read is served.
 *
 * Disruptive (run alone, by the `disruptive` target): for about a second the AUDIT stream stops
 * capturing the `object` domain (`audit.v1.events.object.*`), so every service's object audit
 * events fail closed meanwhile. The stream's subjects are restored in `finally` and checked.
 */
const sfx = runSuffix();
const STREAM = 'AUDIT';

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(api(path), { headers: { authorization: `Bearer ${await tokenOf('alpha', 'alpha-ts')}`, 'x-purpose': JSON.stringify(PURPOSE) } });
  return { status: res.status, text: await res.text() };
}

describe('ontology reads fail closed when AUDIT cannot record them (disruptive)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let object: ObjectView;

  beforeAll(async () => {
    nc = await setupConnection();
    jsm = await nc.jetstreamManager();
    const res = await fetch(api('/objects'), {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf('alpha', 'alpha-ts')}`, 'content-type': 'application/json', 'x-purpose': JSON.stringify(PURPOSE) },
      body: JSON.stringify({ type: 'Person', properties: { fullName: `Ursule Fermé ${sfx}` }, markings: { level: 'DR', compartments: [] }, provenance: { source: `ontology-failclosed-${sfx}` } }),
    });
    if (res.status !== 201) throw new Error(`create: HTTP ${res.status} ${await res.text()}`);
    object = (await res.json()) as ObjectView;
  });
  afterAll(async () => {
    await nc?.drain();
  });

  it('answers 503 AUDIT_UNAVAILABLE and serves nothing while the event cannot be stored, then serves again', async () => {
    const before = await jsm.streams.info(STREAM, { subjects_filter: 'audit.v1.events.>' });
    const original = before.config.subjects;
    const domains = new Set(Object.keys(before.state.subjects ?? {}).map((s) => s.split('.')[3] as string));
    domains.delete('object');
    // Every domain already seen keeps being captured; only `object` events have nowhere to go.
    const narrowed = [...domains, 'link', 'entity', 'search', 'graph', 'analytics', 'audit', 'http', 'auth'].filter((d, i, all) => d !== 'object' && all.indexOf(d) === i).map((d) => `audit.v1.events.${d}.>`);
    let during: { status: number; text: string }[] = [];
    try {
      await jsm.streams.update(STREAM, { subjects: narrowed });
      during = [await get(`/objects/${object.id}`), await get(`/objects/${object.id}/history`), await get(`/objects?type=Person&filters=${encodeURIComponent(JSON.stringify([{ property: 'fullName', op: 'contains', value: sfx }]))}&updatedSince=${encodeURIComponent(new Date(Date.now() - 600_000).toISOString())}`)];
    } finally {
      await jsm.streams.update(STREAM, { subjects: original });
    }
    expect((await jsm.streams.info(STREAM)).config.subjects).toEqual(original);
    for (const answer of during) {
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'AUDIT_UNAVAILABLE' } });
      expect(answer.text).not.toContain('Ursule');
    }
    const after = await eventually(
      () => get(`/objects/${object.id}`),
      (r) => r.status === 200,
      15_000,
    );
    expect(after.text).toContain(`Ursule Fermé ${sfx}`);
  });
});
