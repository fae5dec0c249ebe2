import { IngestionException } from '@vigie/ingestion-contracts';
import {
  checkAppend,
  checkComplete,
  expiry,
  isSessionId,
  MAX_SESSION_PARTS,
  markingsBeyondClearance,
  ownedBy,
  parseDuration,
  partsChunkToken,
  partSubject,
  partsWildcard,
  reconcileParts,
  requestedOffset,
  sessionView,
  UploadSessionState,
  withPart,
} from './upload-session.util';

const ID = '0b7c8c3e-2f61-4c55-9d5e-6f7f3f5f3a11';

function session(over: Partial<UploadSessionState> = {}): UploadSessionState {
  return {
    v: 1,
    id: ID,
    tenant: 'alpha',
    owner: 'user-1',
    fileName: 'calls.csv',
    size: 1000,
    sha256: null,
    params: { format: 'csv', mapping: 'objects: []' },
    status: 'open',
    offset: 0,
    parts: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    objectName: `alpha/${ID}`,
    jobId: null,
    digest: null,
    ...over,
  };
}

function refusal(fn: () => unknown): IngestionException {
  try {
    fn();
  } catch (error) {
    if (error instanceof IngestionException) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('upload session logic', () => {
  it('reads durations', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(() => parseDuration('1.5h')).toThrow(/not a duration/);
  });

  it('names subjects so that the parts of one session are one wildcard, inside the object store layout', () => {
    expect(partSubject('ingest-uploads', ID, 'P1')).toBe(`$O.ingest-uploads.C.parts.${ID}.P1`);
    expect(partsWildcard('ingest-uploads', ID)).toBe(`$O.ingest-uploads.C.parts.${ID}.*`);
    expect(`$O.ingest-uploads.C.${partsChunkToken(ID)}`).toBe(partsWildcard('ingest-uploads', ID));
  });

  it('takes only UUIDs for session ids, so no wildcard or dot reaches a subject', () => {
    expect(isSessionId(ID)).toBe(true);
    for (const bad of ['*', '>', 'a.b', `${ID}.x`, `${ID} `, '', '../x']) expect(isSessionId(bad)).toBe(false);
  });

  it('shows a session to its creator only, and not once cancelled or expired', () => {
    expect(ownedBy(session(), ID, 'alpha', 'user-1').id).toBe(ID);
    expect(refusal(() => ownedBy(session(), ID, 'alpha', 'user-2')).code).toBe('INGESTION_UPLOAD_SESSION_NOT_FOUND');
    expect(refusal(() => ownedBy(session(), ID, 'beta', 'user-1')).kind).toBe('not_found');
    expect(refusal(() => ownedBy(null, ID, 'alpha', 'user-1')).message).toContain(ID);
    expect(refusal(() => ownedBy(session({ status: 'expired' }), ID, 'alpha', 'user-1')).code).toBe('INGESTION_UPLOAD_SESSION_NOT_FOUND');
  });

  it('takes the offset from the Upload-Offset header or the query, and requires one', () => {
    expect(requestedOffset('42', undefined)).toBe(42);
    expect(requestedOffset(undefined, '7')).toBe(7);
    expect(refusal(() => requestedOffset(undefined, undefined)).message).toMatch(/Upload-Offset/);
    expect(refusal(() => requestedOffset(undefined, '')).kind).toBe('invalid');
    expect(refusal(() => requestedOffset('-3', undefined)).kind).toBe('invalid');
  });

  it('refuses a chunk at another offset with 409 naming the expected offset', () => {
    const e = refusal(() => checkAppend(session({ offset: 300 }), 200, 100));
    expect(e.code).toBe('INGESTION_UPLOAD_OFFSET_MISMATCH');
    expect(e.kind).toBe('conflict');
    expect(e.details).toEqual({ expectedOffset: 300, offset: 200 });
    expect(e.message).toMatch(/send the bytes from offset 300/);
  });

  it('refuses a chunk past the declared size with 400 saying how many bytes are left', () => {
    const e = refusal(() => checkAppend(session({ offset: 900 }), 900, 101));
    expect(e.code).toBe('INGESTION_UPLOAD_SIZE_EXCEEDED');
    expect(e.kind).toBe('invalid');
    expect(e.details).toMatchObject({ remaining: 100 });
    expect(() => checkAppend(session({ offset: 900 }), 900, 100)).not.toThrow();
  });

  it('refuses a chunk without a length, to a closed session, or beyond the parts limit', () => {
    expect(refusal(() => checkAppend(session(), 0, undefined)).message).toMatch(/Content-Length/);
    expect(refusal(() => checkAppend(session({ status: 'completed' }), 0, 10)).code).toBe('INGESTION_UPLOAD_SESSION_STATE_CONFLICT');
    const parts = Array.from({ length: MAX_SESSION_PARTS }, (_, i) => ({ id: `p${i}`, bytes: 0, chunks: 0 }));
    expect(refusal(() => checkAppend(session({ parts }), 0, 10)).message).toMatch(/larger chunks/);
  });

  it('moves the offset by a whole part only', () => {
    const next = withPart(session({ offset: 100, parts: [{ id: 'a', bytes: 100, chunks: 1 }] }), { id: 'b', bytes: 250, chunks: 2 }, '2026-01-03T00:00:00.000Z');
    expect(next.offset).toBe(350);
    expect(next.parts.map((p) => p.id)).toEqual(['a', 'b']);
    expect(next.expiresAt).toBe('2026-01-03T00:00:00.000Z');
  });

  it('completes only an open session that has every byte', () => {
    expect(refusal(() => checkComplete(session({ offset: 999 }))).details).toEqual({ expectedOffset: 999, size: 1000 });
    expect(refusal(() => checkComplete(session({ offset: 1000, status: 'completing' }))).kind).toBe('conflict');
    expect(() => checkComplete(session({ offset: 1000 }))).not.toThrow();
  });

  it('takes over a session left completing once its lease ran out, and names the wait before', () => {
    const completing = session({ offset: 1000, status: 'completing' });
    const held = refusal(() => checkComplete(completing, { stateAgeMs: 15_000, leaseMs: 60_000 }));
    expect(held.kind).toBe('conflict');
    expect(held.details).toEqual({ status: 'completing', retryAfterMs: 45_000 });
    expect(held.message).toMatch(/being completed by another request: retry in 45 s/);
    expect(() => checkComplete(completing, { stateAgeMs: 60_000, leaseMs: 60_000 })).not.toThrow();
    // The lease only concerns a completing session: a cancelled or short one is refused as before.
    expect(refusal(() => checkComplete(session({ offset: 1000, status: 'cancelled' }), { stateAgeMs: 120_000, leaseMs: 60_000 })).kind).toBe('conflict');
    expect(refusal(() => checkComplete(session({ offset: 10 }), { stateAgeMs: 120_000, leaseMs: 60_000 })).details).toEqual({ expectedOffset: 10, size: 1000 });
  });

  it('finds parts of chunks cut short, and committed parts that do not match', () => {
    const s = session({ parts: [{ id: 'a', bytes: 10, chunks: 1 }, { id: 'b', bytes: 300_000, chunks: 3 }] });
    const sub = (p: string) => partSubject('ingest-uploads', ID, p);
    expect(reconcileParts(s, 'ingest-uploads', { [sub('a')]: 1, [sub('b')]: 3, [sub('zombie')]: 2 })).toEqual({ orphans: [sub('zombie')], damaged: [] });
    expect(reconcileParts(s, 'ingest-uploads', { [sub('a')]: 1, [sub('b')]: 2 })).toEqual({ orphans: [], damaged: [sub('b')] });
  });

  it('expires a session after its time; deletes the parts only of a session still open', () => {
    const now = Date.parse('2026-01-02T00:00:01.000Z');
    expect(expiry(session(), now)).toEqual({ expired: true, purgeParts: true });
    expect(expiry(session({ status: 'completed' }), now)).toEqual({ expired: true, purgeParts: false });
    expect(expiry(session({ status: 'completing' }), now)).toEqual({ expired: true, purgeParts: false });
    expect(expiry(session(), Date.parse('2026-01-01T12:00:00.000Z'))).toEqual({ expired: false, purgeParts: false });
  });

  it('shows the session without its owner, tenant or parameters', () => {
    const view = sessionView(session({ offset: 10, parts: [{ id: 'a', bytes: 10, chunks: 1 }] }));
    expect(view).toEqual({
      id: ID,
      fileName: 'calls.csv',
      size: 1000,
      offset: 10,
      status: 'open',
      parts: 1,
      sha256: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-02T00:00:00.000Z',
      jobId: null,
    });
  });

  it('refuses at creation markings above the clearance, naming the level or the compartment', () => {
    const dr = { level: 'DR' as const, compartments: ['cyber'] };
    expect(markingsBeyondClearance({ level: 'DR', compartments: ['cyber'] }, dr)).toBeNull();
    expect(markingsBeyondClearance({ level: 'NP', compartments: [] }, dr)).toBeNull();
    const above = markingsBeyondClearance({ level: 'S', compartments: ['op-rubis'] }, dr);
    expect(above?.code).toBe('INGESTION_MARKINGS_ABOVE_CLEARANCE');
    expect(above?.kind).toBe('forbidden');
    expect(above?.message).toMatch(/level S is above the clearance DR; compartment op-rubis is not held/);
  });
});
