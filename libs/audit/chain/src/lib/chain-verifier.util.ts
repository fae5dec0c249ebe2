import {
  AuditException,
  AuditExceptionCode,
  ChainProblemDto,
  ChainProblemKind,
  CheckpointResultDto,
  VerifyReportDto,
} from '@vigie/audit-contracts';
import { ChainRecord, genesisHash, recordHash, UnhashedRecord } from './chain-hash.util';
import { PublicKeyInput, toKeyRing } from './chain-keys.util';
import { Checkpoint, verifyCheckpointSignature } from './checkpoint.util';

export type ChainProblem = ChainProblemDto;
export type CheckpointResult = CheckpointResultDto;
export type VerifyReport = VerifyReportDto;

export interface VerifyOptions {
  /** The chain's tenant; defaults to the anchor's or the first record's. */
  readonly tenant?: string;
  /**
   * Verify a range starting here. Seq 1 starts at the genesis hash; a later seq must be vouched
   * for by a valid checkpoint at `fromSeq - 1` among `checkpoints` (or `anchor`), else the report
   * says `unanchored`. Without `fromSeq`, the start is genesis or the latest valid retention
   * anchor (`kind: 'anchor'`) before the first record.
   */
  readonly fromSeq?: number;
  /** Expected last seq: records beyond it are ignored, fewer records are reported as `truncated`. */
  readonly toSeq?: number;
  /** A signed checkpoint whose hash is trusted as the predecessor of record `anchor.seq + 1`, if its signature holds. */
  readonly anchor?: Checkpoint;
  /** How many records after a suspect one are read to tell a swap or a deletion from an alteration (default 256). */
  readonly lookahead?: number;
}

interface CheckpointState {
  readonly checkpoint: Checkpoint;
  readonly keyKnown: boolean;
  readonly signatureValid: boolean;
  matchesChain: boolean | null;
}

interface Suspect {
  readonly record: ChainRecord;
  readonly prev: ChainRecord | null;
  readonly expectedSeq: number;
  readonly expectedPrevHash: string;
  readonly selfOk: boolean;
  readonly window: ChainRecord[];
  readonly line?: number;
}

const DEFAULT_LOOKAHEAD = 256;

function safeHash(record: UnhashedRecord): string | null {
  try {
    return recordHash(record);
  } catch {
    return null;
  }
}

function short(id: string | undefined): string {
  return id === undefined ? '' : ` (event ${id})`;
}

/**
 * Push-based chain verifier: give it the checkpoints and trusted keys, push records in the order
 * they are stored or exported, then `finish()`. Memory stays flat (the previous record, the
 * checkpoints, and a bounded look-ahead window only once something looks wrong), so it verifies
 * exports of any size. `verifyChain`, `verifyChainStream` and `verifyExport` drive it.
 */
export class ChainVerifier {
  private readonly states: CheckpointState[];
  private readonly bySeq = new Map<number, CheckpointState[]>();
  private readonly lookahead: number;
  private tenant: string | null;
  private started = false;
  private start: VerifyReport['start'] = null;
  private anchorSeq: number | null = null;
  private expectedSeq = 1;
  private expectedPrevHash = '';
  private prev: ChainRecord | null = null;
  private firstSeq: number | null = null;
  private lastSeq: number | null = null;
  private recordsChecked = 0;
  private coveredUpTo: number | null = null;
  private suspect: Suspect | null = null;
  private problem: ChainProblem | null = null;

  constructor(
    checkpoints: Iterable<Checkpoint>,
    keys: PublicKeyInput | readonly PublicKeyInput[],
    private readonly options: VerifyOptions = {},
  ) {
    const ring = toKeyRing(keys);
    if (ring.size === 0) throw new AuditException(AuditExceptionCode.InvalidKey, 'Verification needs at least one trusted public key');
    const { fromSeq, toSeq, anchor } = options;
    for (const [name, value] of [['fromSeq', fromSeq], ['toSeq', toSeq]] as const) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
        throw new AuditException(AuditExceptionCode.InvalidRange, `${name} must be a positive integer, got ${value}`);
      }
    }
    if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq + 1) {
      throw new AuditException(AuditExceptionCode.InvalidRange, `fromSeq ${fromSeq} is after toSeq ${toSeq}`);
    }
    if (anchor && fromSeq !== undefined && fromSeq !== anchor.seq + 1) {
      throw new AuditException(AuditExceptionCode.InvalidRange, `An anchor at seq ${anchor.seq} starts the range at ${anchor.seq + 1}, not ${fromSeq}`);
    }
    this.lookahead = Math.max(0, Math.floor(options.lookahead ?? DEFAULT_LOOKAHEAD));
    this.tenant = options.tenant ?? anchor?.tenant ?? null;
    const all = anchor ? [anchor, ...checkpoints] : [...checkpoints];
    this.states = all
      .map((checkpoint) => ({ checkpoint, ...verifyCheckpointSignature(checkpoint, ring), matchesChain: null }))
      .sort((a, b) => a.checkpoint.seq - b.checkpoint.seq);
    if (anchor) {
      // The same anchor may also be among the checkpoints; report it once.
      const dup = this.states.findIndex((s) => s.checkpoint !== anchor && s.checkpoint.signature === anchor.signature && s.checkpoint.seq === anchor.seq);
      if (dup >= 0) this.states.splice(dup, 1);
    }
    for (const state of this.states) {
      const list = this.bySeq.get(state.checkpoint.seq);
      if (list) list.push(state);
      else this.bySeq.set(state.checkpoint.seq, [state]);
    }
  }

  /** True once the first problem in the records is known; later records change nothing. */
  get decided(): boolean {
    return this.problem !== null;
  }

  /** Feeds the next record (in stored/exported order). `line` is its export line, for the report. */
  push(record: ChainRecord, line?: number): void {
    if (this.problem) return;
    if (this.suspect) {
      this.suspect.window.push(record);
      if (this.suspect.window.length >= this.lookahead) this.classify();
      return;
    }
    if (!this.started) this.begin(record);
    if (this.problem) return;
    if (this.options.toSeq !== undefined && record.seq > this.options.toSeq) return;
    const selfOk = safeHash(record) === record.hash;
    if (selfOk && record.tenant === this.tenant && record.seq === this.expectedSeq && record.prevHash === this.expectedPrevHash) {
      if (this.checkCheckpointsAt(record)) this.accept(record);
      return;
    }
    this.suspect = {
      record,
      prev: this.prev,
      expectedSeq: this.expectedSeq,
      expectedPrevHash: this.expectedPrevHash,
      selfOk,
      window: [],
      line,
    };
    if (this.lookahead === 0) this.classify();
  }

  /** Reports an unreadable record line (export files). */
  pushMalformed(message: string, line?: number): void {
    if (this.problem) return;
    if (this.suspect) {
      this.classify();
      return;
    }
    if (!this.started) this.begin(null);
    if (this.problem) return;
    this.problem = { kind: 'malformed', seq: this.expectedSeq, message, ...(line === undefined ? {} : { line }) };
  }

  finish(): VerifyReport {
    if (!this.started) this.begin(null);
    if (this.suspect) this.classify();
    if (!this.problem) this.checkTruncation();
    const checkpointProblem = this.firstCheckpointProblem();
    let firstProblem = this.problem ?? undefined;
    if (checkpointProblem && (!firstProblem || (firstProblem.seq ?? 0) > (checkpointProblem.seq ?? 0))) {
      firstProblem = checkpointProblem;
    }
    const vouched = Math.max(this.coveredUpTo ?? 0, (this.firstSeq ?? 1) - 1);
    return {
      ok: firstProblem === undefined,
      tenant: this.tenant,
      start: this.start,
      anchorSeq: this.anchorSeq,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      recordsChecked: this.recordsChecked,
      coveredUpTo: this.coveredUpTo,
      unsignedTail: this.lastSeq === null ? 0 : Math.max(0, this.lastSeq - vouched),
      ...(firstProblem ? { firstProblem } : {}),
      checkpoints: this.states.map(({ checkpoint, keyKnown, signatureValid, matchesChain }) => ({
        seq: checkpoint.seq,
        kind: checkpoint.kind,
        keyId: checkpoint.keyId,
        time: checkpoint.time,
        keyKnown,
        signatureValid,
        matchesChain,
      })),
    };
  }

  // --- start -----------------------------------------------------------------------------------

  private begin(first: ChainRecord | null): void {
    this.started = true;
    const { anchor, fromSeq } = this.options;
    if (this.tenant === null && first) this.tenant = first.tenant;
    const tenant = this.tenant;
    if (anchor) {
      const state = this.states.find((s) => s.checkpoint === anchor);
      const trusted = state?.signatureValid === true && anchor.tenant === tenant;
      this.useAnchor(anchor, trusted);
      if (state && trusted) state.matchesChain = true;
      return;
    }
    if (fromSeq !== undefined && fromSeq > 1) {
      const candidates = (this.bySeq.get(fromSeq - 1) ?? []).filter((s) => s.signatureValid && s.checkpoint.tenant === tenant);
      const chosen = candidates.find((s) => s.checkpoint.kind === 'anchor') ?? candidates[0];
      if (chosen) {
        this.useAnchor(chosen.checkpoint, true);
        chosen.matchesChain = true;
        return;
      }
      this.start = 'unanchored';
      this.expectedSeq = fromSeq;
      this.problem = {
        kind: 'unanchored',
        seq: fromSeq,
        message: `No valid signed checkpoint at seq ${fromSeq - 1} vouches for the start of the range at seq ${fromSeq}`,
      };
      return;
    }
    if (fromSeq === undefined && first && first.seq > 1) {
      // After retention the chain starts at the latest signed retention anchor before the first record.
      let best: CheckpointState | null = null;
      for (const state of this.states) {
        const cp = state.checkpoint;
        if (cp.kind === 'anchor' && state.signatureValid && cp.tenant === tenant && cp.seq < first.seq && (!best || cp.seq > best.checkpoint.seq)) {
          best = state;
        }
      }
      if (best) {
        this.useAnchor(best.checkpoint, true);
        best.matchesChain = true;
        return;
      }
    }
    this.start = 'genesis';
    this.expectedSeq = 1;
    this.expectedPrevHash = genesisHash(tenant ?? '');
  }

  private useAnchor(anchor: Checkpoint, trusted: boolean): void {
    this.start = 'anchor';
    this.anchorSeq = anchor.seq;
    this.expectedSeq = anchor.seq + 1;
    this.expectedPrevHash = anchor.hash;
    if (!trusted) {
      const state = this.states.find((s) => s.checkpoint === anchor);
      const kind: ChainProblemKind = state && !state.keyKnown ? 'unknown-key' : 'bad-signature';
      this.problem = {
        kind,
        seq: anchor.seq,
        message:
          kind === 'unknown-key'
            ? `The anchor checkpoint at seq ${anchor.seq} is signed by key ${anchor.keyId.slice(0, 16)}…, which is not trusted`
            : `The anchor checkpoint at seq ${anchor.seq} does not hold: its signature (or tenant) is wrong`,
      };
    }
  }

  // --- the happy path --------------------------------------------------------------------------

  /** Compares checkpoints at `record.seq` with its hash; false (and a problem) when a valid one disagrees. */
  private checkCheckpointsAt(record: ChainRecord): boolean {
    const states = this.bySeq.get(record.seq);
    if (!states) return true;
    for (const state of states) {
      const ownTenant = state.checkpoint.tenant === this.tenant;
      const matches = ownTenant && state.checkpoint.hash === record.hash;
      state.matchesChain = matches;
      // A checkpoint of another tenant vouches for nothing here (and is no alteration of this chain).
      if (!matches && ownTenant && state.signatureValid) {
        const from = Math.max(this.coveredUpTo ?? 0, this.anchorSeq ?? 0, (this.firstSeq ?? record.seq) - 1) + 1;
        this.problem = {
          kind: 'altered',
          seq: record.seq,
          eventId: record.eventId,
          range: { fromSeq: from, toSeq: record.seq },
          message:
            from === record.seq
              ? `Record ${record.seq}${short(record.eventId)} was rewritten and re-hashed: the checkpoint signed at seq ${record.seq} holds another hash`
              : `The chain was rewritten and re-hashed between seq ${from} and ${record.seq}: the checkpoint signed at seq ${record.seq} holds another hash`,
        };
        return false;
      }
    }
    for (const state of states) if (state.matchesChain && state.signatureValid) this.coveredUpTo = record.seq;
    return true;
  }

  private accept(record: ChainRecord): void {
    if (this.firstSeq === null) this.firstSeq = record.seq;
    this.prev = record;
    this.lastSeq = record.seq;
    this.expectedSeq = record.seq + 1;
    this.expectedPrevHash = record.hash;
    this.recordsChecked += 1;
  }

  private checkTruncation(): void {
    const last = this.expectedSeq - 1;
    let expectedEnd = this.options.toSeq ?? 0;
    let because = expectedEnd > last ? `the range ends at seq ${expectedEnd}` : '';
    for (const state of this.states) {
      const cp = state.checkpoint;
      if (!state.signatureValid || cp.tenant !== this.tenant || cp.seq <= last) continue;
      if (this.options.toSeq !== undefined && cp.seq > this.options.toSeq) continue;
      state.matchesChain = false;
      if (cp.seq > expectedEnd) {
        expectedEnd = cp.seq;
        because = `a checkpoint was signed at seq ${cp.seq}`;
      }
    }
    if (expectedEnd > last) {
      this.problem = {
        kind: 'truncated',
        seq: last + 1,
        range: { fromSeq: last + 1, toSeq: expectedEnd },
        message: `The chain ends at seq ${last} but ${because}: records ${last + 1}..${expectedEnd} are missing`,
      };
    }
  }

  private firstCheckpointProblem(): ChainProblem | null {
    for (const state of this.states) {
      const cp = state.checkpoint;
      if (!state.keyKnown) {
        return {
          kind: 'unknown-key',
          seq: cp.seq,
          message: `The ${cp.kind} checkpoint at seq ${cp.seq} is signed by key ${cp.keyId.slice(0, 16)}…, which is not among the trusted keys`,
        };
      }
      if (!state.signatureValid) {
        return { kind: 'bad-signature', seq: cp.seq, message: `The signature of the ${cp.kind} checkpoint at seq ${cp.seq} does not verify: it was forged or altered` };
      }
    }
    return null;
  }

  // --- naming the first bad record -------------------------------------------------------------

  private classify(): void {
    const suspect = this.suspect;
    if (!suspect) return;
    this.suspect = null;
    const found = this.name(suspect);
    this.problem = { ...found, ...(suspect.line === undefined || found.line !== undefined ? {} : { line: suspect.line }) };
  }

  private name(s: Suspect): ChainProblem {
    const { record: r, prev, expectedSeq: E, expectedPrevHash: P, window } = s;
    const p = (kind: ChainProblemKind, seq: number, eventId: string | undefined, message: string, range?: { fromSeq: number; toSeq: number }): ChainProblem => ({
      kind,
      seq,
      ...(eventId === undefined ? {} : { eventId }),
      ...(range ? { range } : {}),
      message,
    });

    if (r.tenant !== this.tenant) {
      return p('inserted', r.seq, r.eventId, `Record ${r.seq}${short(r.eventId)} belongs to tenant "${r.tenant}", not to the chain of "${this.tenant}"`);
    }
    if (r.seq < E) {
      if (prev && r.seq === prev.seq) {
        if (r.hash === prev.hash && r.eventId === prev.eventId) {
          return p('duplicate', r.seq, r.eventId, `Record ${r.seq}${short(r.eventId)} appears twice`);
        }
        const next = window[0];
        if (s.selfOk && next && next.prevHash === r.hash) {
          return p('inserted', prev.seq, prev.eventId, `Record ${prev.seq}${short(prev.eventId)} is not part of the chain: another record holds seq ${prev.seq} and the next record links to that one`);
        }
        return p('inserted', r.seq, r.eventId, `A second record claims seq ${r.seq}${short(r.eventId)}: it is not part of the chain`);
      }
      return p('reordered', r.seq, r.eventId, `Record ${r.seq}${short(r.eventId)} appears after record ${E - 1}: records are out of order`);
    }
    if (r.seq > E) {
      const later = window.find((w) => w.seq === E);
      if (later) {
        return p('reordered', E, later.eventId, `Record ${E}${short(later.eventId)} appears after record ${r.seq}: records are out of order`);
      }
      return p(
        'removed',
        E,
        undefined,
        r.seq - 1 === E
          ? `Record ${E} was removed: record ${r.seq} follows record ${E - 1}`
          : `Records ${E}..${r.seq - 1} were removed: record ${r.seq} follows record ${E - 1}`,
        { fromSeq: E, toSeq: r.seq - 1 },
      );
    }

    // r.seq === E
    if (r.prevHash !== P) {
      if (prev && r.prevHash === prev.prevHash) {
        return p('inserted', prev.seq, prev.eventId, `Record ${prev.seq}${short(prev.eventId)} was inserted: the record after it links to the record before it`);
      }
      if (window.some((w) => w.hash === r.prevHash) || window.some((w) => w.prevHash === P)) {
        return p('reordered', E, r.eventId, `Record at seq ${E}${short(r.eventId)} belongs elsewhere in the chain: records were swapped`);
      }
      if (!s.selfOk) {
        for (let d = 1; d <= Math.max(this.lookahead, 1); d++) {
          if (safeHash({ ...r, seq: r.seq + d }) === r.hash) {
            return p(
              'removed',
              E,
              undefined,
              `${d === 1 ? `Record ${E} was` : `Records ${E}..${E + d - 1} were`} removed and the following records renumbered (record ${E}${short(r.eventId)} was chained as seq ${r.seq + d})`,
              { fromSeq: E, toSeq: E + d - 1 },
            );
          }
        }
      }
      if (s.selfOk && prev) {
        const signed = (this.bySeq.get(prev.seq) ?? []).filter((st) => st.signatureValid);
        if (signed.some((st) => st.checkpoint.hash === P)) {
          return p('altered', E, r.eventId, `Record ${E}${short(r.eventId)} was rewritten: it no longer links to record ${prev.seq}, which a checkpoint vouches for`);
        }
        return p(
          'altered',
          prev.seq,
          prev.eventId,
          `Record ${prev.seq}${short(prev.eventId)} was rewritten and re-hashed after record ${E} was chained to it (record ${E} links to another hash)`,
        );
      }
      return p('altered', E, r.eventId, `Record ${E}${short(r.eventId)} was rewritten: neither its hash nor its link to record ${E - 1} holds`);
    }

    // Linked, but the content does not match the hash.
    const next = window[0];
    if (next && next.seq === E + 1 && next.prevHash === r.prevHash) {
      return p('inserted', E, r.eventId, `Record ${E}${short(r.eventId)} was inserted: the record after it links to the record before it`);
    }
    const swapped = window.find((w) => w.eventId !== r.eventId && safeHash({ ...r, eventId: w.eventId, event: w.event, recordedAt: w.recordedAt }) === r.hash);
    if (swapped) {
      return p('reordered', E, r.eventId, `The events of records ${E} and ${swapped.seq} were swapped`);
    }
    return p('altered', E, r.eventId, `Record ${E}${short(r.eventId)} was altered: its content no longer matches its hash`);
  }
}

/** Verifies records held in memory (or a sync iterable, e.g. a page of rows). */
export function verifyChain(
  records: Iterable<ChainRecord>,
  checkpoints: Iterable<Checkpoint>,
  keys: PublicKeyInput | readonly PublicKeyInput[],
  options: VerifyOptions = {},
): VerifyReport {
  const verifier = new ChainVerifier(checkpoints, keys, options);
  for (const record of records) {
    verifier.push(record);
    if (verifier.decided) break;
  }
  return verifier.finish();
}

/** Verifies records streamed from a database cursor or a file; memory stays flat. */
export async function verifyChainStream(
  records: AsyncIterable<ChainRecord> | Iterable<ChainRecord>,
  checkpoints: Iterable<Checkpoint>,
  keys: PublicKeyInput | readonly PublicKeyInput[],
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const verifier = new ChainVerifier(checkpoints, keys, options);
  for await (const record of records) {
    verifier.push(record);
    if (verifier.decided) break;
  }
  return verifier.finish();
}
