import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditResource, JsonObjectValue, MAX_AUDIT_RESOURCES } from '@vigie/audit-contracts';
import { AuditRecorder, errorCode, outcomeOf } from '@vigie/shared-audit-client';
import { Actor } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException, VigieException } from '@vigie/shared-contracts';
import { CLASSIFICATION_LEVELS, ClassificationLevel, levelRank } from '@vigie/shared-policy';

/** How the ontology serves reads (from the service's configuration). */
export interface OntologyReadOptions {
  /** Reading data marked at or above this level needs a stated purpose (`x-purpose`). */
  purposeRequiredFromLevel: ClassificationLevel;
}

export const ONTOLOGY_READ_OPTIONS = Symbol('ONTOLOGY_READ_OPTIONS');
export const DEFAULT_ONTOLOGY_READ_OPTIONS: OntologyReadOptions = { purposeRequiredFromLevel: 'S' };

/** The 428 answer: what the data needs and what to send. */
export function purposeRequired(what: string, level: ClassificationLevel): PlatformException {
  return new PlatformException(
    PlatformErrorCode.PurposeRequired,
    ErrorKind.PurposeRequired,
    `${what} is marked ${level} or above: reading it needs a stated purpose. Send the header x-purpose: {"caseRef":"<case reference>","justification":"<why you need it>"}`,
    { header: 'x-purpose', fromLevel: level },
  );
}

/** What the reader may see in this read: their clearance, capped just below the threshold when they stated no purpose. */
export interface ReaderView {
  reader: Actor;
  capped: boolean;
}

/** The audit event's facts once the result is known. */
export interface ReadFacts {
  resources?: AuditResource[];
  details?: JsonObjectValue;
}

const NOT_FOUND_KIND = ErrorKind.NotFound;
const NOUN: Record<string, string> = { object: 'Object', link: 'Link', entity: 'Entity' };

/**
 * Every read of ontology data goes through here:
 *  - purpose: without a stated purpose, a reader cleared at or above the configured level reads
 *    as if cleared just below it (lists and counts simply hold less); a single object or link
 *    that they could see only with their full clearance is answered 428 PURPOSE_REQUIRED — but
 *    only after the read with their full clearance found it, so what they may not see at all
 *    stays 404 whatever the purpose (existence is never revealed by a 428);
 *  - audit, fail closed: the read's audit event (ids read, the query of a list, the purpose, the
 *    effective clearance) is acknowledged by JetStream before anything is returned; when it
 *    cannot be, the read fails with 503 AUDIT_UNAVAILABLE and serves nothing. Refused and failed
 *    reads are recorded too (denied / failure / error) — `AuditRecorder.guard` does both.
 * Changes are recorded with the change itself (outbox, same transaction); {@link writeAudited}
 * adds the refused and failed ones, which leave no version behind.
 */
@Injectable()
export class OntologyReadGuard {
  private readonly threshold: ClassificationLevel;

  constructor(
    private readonly audit: AuditRecorder,
    @Optional() @Inject(ONTOLOGY_READ_OPTIONS) options?: OntologyReadOptions,
  ) {
    this.threshold = (options ?? DEFAULT_ONTOLOGY_READ_OPTIONS).purposeRequiredFromLevel;
  }

  get purposeRequiredFromLevel(): ClassificationLevel {
    return this.threshold;
  }

  /** The actor as they may read now: capped just below the threshold without a purpose. */
  view(actor: Actor): ReaderView {
    const threshold = levelRank(this.threshold);
    if (actor.purpose || levelRank(actor.clearance) < threshold) return { reader: actor, capped: false };
    return { reader: { ...actor, clearance: CLASSIFICATION_LEVELS[Math.max(0, threshold - 1)] as ClassificationLevel }, capped: true };
  }

  /**
   * One object or link (get, history, diff): `read` runs with the effective view; when that says
   * "not found" for a capped reader, it runs again with their full clearance — still not found →
   * that 404; found → 428 (nothing of it is returned).
   */
  async one<T>(actor: Actor, action: string, resource: AuditResource, details: JsonObjectValue, read: (reader: Actor) => Promise<T>, describe?: (result: T) => ReadFacts): Promise<T> {
    const { reader, capped } = this.view(actor);
    return this.audit.guard(
      { actor, action, resources: [resource], details: this.details(details, reader, capped) },
      async () => {
        try {
          return await read(reader);
        } catch (error) {
          if (!capped || !(error instanceof VigieException) || error.kind !== NOT_FOUND_KIND) throw error;
          await read(actor);
          throw purposeRequired(`${NOUN[resource.type] ?? 'Object'} ${resource.id}`, this.threshold);
        }
      },
      (result) => facts(describe?.(result) ?? {}),
    );
  }

  /** A list or a count: runs with the effective view (nothing at or above the threshold without a purpose). */
  async many<T>(actor: Actor, action: string, details: JsonObjectValue, read: (reader: Actor) => Promise<T>, describe: (result: T) => ReadFacts): Promise<T> {
    const { reader, capped } = this.view(actor);
    return this.audit.guard({ actor, action, details: this.details(details, reader, capped) }, () => read(reader), (result) => facts(describe(result)));
  }

  /**
   * A change: its success is audited with the change (outbox, same transaction); a refused or
   * failed one is recorded here before its error is answered (if that record fails, the audit
   * error is answered: 503), and so is one that changed nothing (`unchanged`).
   */
  async writeAudited<T>(actor: Actor, action: string, resources: AuditResource[], details: JsonObjectValue, write: () => Promise<T>, unchanged?: (result: T) => boolean): Promise<T> {
    let result: T;
    try {
      result = await write();
    } catch (error) {
      await this.audit.record({ actor, action, resources, outcome: outcomeOf(error), details: { ...details, error: errorCode(error) } });
      throw error;
    }
    // A change that changed nothing leaves no version (hence no event) but still answers the
    // object: recorded here, acknowledged before the answer, like a read.
    if (unchanged?.(result)) await this.audit.record({ actor, action, resources, details: { ...details, unchanged: true } });
    return result;
  }

  private details(details: JsonObjectValue, reader: Actor, capped: boolean): JsonObjectValue {
    return { ...details, effectiveClearance: reader.clearance, ...(capped ? { clearanceCapped: 'no purpose stated' } : {}) };
  }
}

/** Caps the resources at what one event may hold, saying how many were left out. */
function facts(f: ReadFacts): { resources?: AuditResource[]; details?: JsonObjectValue } {
  if (!f.resources) return f;
  const all = f.resources;
  return {
    resources: all.slice(0, MAX_AUDIT_RESOURCES),
    details: { ...(f.details ?? {}), ...(all.length > MAX_AUDIT_RESOURCES ? { resourcesOmitted: all.length - MAX_AUDIT_RESOURCES } : {}) },
  };
}

/** A request as audit details (plain JSON). */
export function asDetails(value: object): JsonObjectValue {
  return JSON.parse(JSON.stringify(value)) as JsonObjectValue;
}
