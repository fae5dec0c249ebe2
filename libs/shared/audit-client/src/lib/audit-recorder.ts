import { randomBytes, randomUUID } from 'node:crypto';
import type { PubAck } from 'nats';
import {
  AuditActor,
  AuditEvent,
  auditEventContractFor,
  auditEventSchema,
  AuditException,
  AuditExceptionCode,
  AuditOutcome,
  AuditPurpose,
  AuditResource,
  JsonObjectValue,
} from '@vigie/audit-contracts';
import { describeIssues, ErrorKind, EventContract, ServiceName, VigieException } from '@vigie/shared-contracts';
import { currentTraceId } from '@vigie/shared-telemetry';
import { isVerifiedActor, toAuditActor, VerifiedActorLike } from './audit-actor.util';

/** What the recorder needs to publish: `EventPublisher` from `@vigie/shared-messaging` fits. */
export interface AuditEventSink {
  publish(contract: EventContract, payload: unknown, msgId: string, options?: { timeoutMs?: number }): Promise<PubAck>;
}

/**
 * An audit event before the recorder completes it. `tenant` and `purpose` default to the verified
 * actor's; `outcome` to `success`; `resources` to none; `details` to `{}`.
 */
export interface AuditRecordInput {
  actor: AuditActor | VerifiedActorLike;
  /** Required when `actor` is an `AuditActor` (e.g. anonymous → `PLATFORM_TENANT`). */
  tenant?: string;
  /** Dotted lowercase, domain first: `object.read`, `search.query` (see `AuditAction`). */
  action: string;
  resources?: AuditResource[];
  purpose?: AuditPurpose | null;
  outcome?: AuditOutcome;
  details?: JsonObjectValue;
  /** Defaults to a new UUID (also the `Nats-Msg-Id`: pass the same id when retrying one act). */
  id?: string;
  /** Defaults to now (UTC). */
  time?: string | Date;
  /** Defaults to the active span's trace id. */
  traceId?: string;
}

/** What a guarded read adds to its event once the result is known. */
export interface AuditResultFacts {
  resources?: AuditResource[];
  outcome?: AuditOutcome;
  /** Merged into the event's details. */
  details?: JsonObjectValue;
}

export interface AuditRecorderOptions {
  /** The service observing the acts (the event's `service`). */
  service: ServiceName;
  /** How long to wait for the JetStream acknowledgement (default: the publisher's). */
  timeoutMs?: number;
}

/**
 * Records audit events: completes them (id, UTC time, trace id, service), validates them, and
 * publishes them to the AUDIT stream, resolving only once JetStream has acknowledged the event.
 *
 * Fail closed: a read of protected data awaits `record(...)` (or uses `guard(...)`) before it
 * returns anything; when the event cannot be stored, `record` throws `AUDIT_UNAVAILABLE` (503)
 * and the caller serves nothing.
 */
export class AuditRecorder {
  constructor(
    private readonly sink: AuditEventSink,
    private readonly options: AuditRecorderOptions,
  ) {}

  get service(): ServiceName {
    return this.options.service;
  }

  /** The complete, validated event for `input` (no I/O). Bad input → `AUDIT_INVALID_EVENT` naming the field. */
  buildEvent(input: AuditRecordInput): AuditEvent {
    const verified = isVerifiedActor(input.actor) ? input.actor : undefined;
    const tenant = input.tenant ?? verified?.tenant;
    if (tenant === undefined) {
      throw new AuditException(AuditExceptionCode.InvalidEvent, 'Audit event needs a tenant: pass `tenant` or a verified actor');
    }
    const time = input.time === undefined ? new Date() : new Date(input.time);
    const candidate = {
      id: input.id ?? randomUUID(),
      time: Number.isNaN(time.getTime()) ? String(input.time) : time.toISOString(),
      tenant,
      actor: toAuditActor(input.actor),
      action: input.action,
      resources: input.resources ?? [],
      purpose: input.purpose !== undefined ? input.purpose : (verified?.purpose ?? null),
      outcome: input.outcome ?? 'success',
      traceId: input.traceId ?? currentTraceId() ?? randomBytes(16).toString('hex'),
      service: this.options.service,
      details: input.details ?? {},
    };
    const parsed = auditEventSchema.safeParse(candidate);
    if (!parsed.success) {
      throw new AuditException(AuditExceptionCode.InvalidEvent, `Audit event for "${input.action}" is invalid: ${describeIssues(parsed.error).message}`);
    }
    return parsed.data;
  }

  /**
   * Records one act and resolves once JetStream acknowledged it. Throws `AUDIT_UNAVAILABLE`
   * (503) when the stream cannot be reached or does not acknowledge in time.
   */
  async record(input: AuditRecordInput): Promise<AuditEvent> {
    const event = this.buildEvent(input);
    await this.publish(event);
    return event;
  }

  /** Publishes a complete event (already built), awaiting the acknowledgement. */
  async publish(event: AuditEvent): Promise<PubAck> {
    try {
      const ack = await this.sink.publish(auditEventContractFor(event.action), event, event.id, this.publishOptions());
      if (!ack || typeof ack.seq !== 'number') throw new Error('no acknowledgement');
      return ack;
    } catch (error) {
      throw new AuditException(
        AuditExceptionCode.Unavailable,
        'The audit log cannot record this act right now, so it was not performed; retry later',
        { action: event.action, reason: (error as Error).message.slice(0, 300) },
      );
    }
  }

  /**
   * Fail-closed read: runs `read`, records the act, and returns the result only after the event is
   * acknowledged. `describe` adds what depends on the result (resources read, hit count). A read
   * that fails is recorded too — `denied` (forbidden, unauthenticated, purpose missing), `error`
   * (unavailable, internal) or `failure` — and its error rethrown; if that record fails as well,
   * the audit error wins (nothing is served either way).
   */
  async guard<T>(input: AuditRecordInput, read: () => Promise<T>, describe?: (result: T) => AuditResultFacts): Promise<T> {
    let result: T;
    try {
      result = await read();
    } catch (error) {
      await this.record({ ...input, outcome: outcomeOf(error), details: { ...(input.details ?? {}), error: errorCode(error) } });
      throw error;
    }
    const facts = describe?.(result);
    await this.record({
      ...input,
      ...(facts?.resources ? { resources: facts.resources } : {}),
      ...(facts?.outcome ? { outcome: facts.outcome } : {}),
      details: { ...(input.details ?? {}), ...(facts?.details ?? {}) },
    });
    return result;
  }

  /** For acts whose response is already on its way (the gateway's request log): never throws. */
  recordInBackground(input: AuditRecordInput, onError: (error: Error, input: AuditRecordInput) => void): void {
    this.record(input).catch((error: Error) => onError(error, input));
  }

  private publishOptions(): { timeoutMs?: number } {
    return this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs };
  }
}

/** The outcome an error stands for in an audit event. */
export function outcomeOf(error: unknown): AuditOutcome {
  if (error instanceof VigieException) {
    return error.kind === ErrorKind.Forbidden || error.kind === ErrorKind.Unauthenticated || error.kind === ErrorKind.PurposeRequired
      ? 'denied'
      : error.kind === ErrorKind.Internal || error.kind === ErrorKind.Unavailable || error.kind === ErrorKind.Timeout
        ? 'error'
        : 'failure';
  }
  return 'error';
}

/** The typed code of an error, for an audit event's details. */
export function errorCode(error: unknown): string {
  return error instanceof VigieException ? error.code : 'INTERNAL_ERROR';
}
