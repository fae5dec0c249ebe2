import { Injectable } from '@nestjs/common';
import { IngestionException, IngestionExceptionCode, stixExtensionApply, stixExtensionGet } from '@vigie/ingestion-contracts';
import { checkStixOntology, planStixOntology } from '@vigie/ingestion-parsers';
import { OntologyExceptionCode, typeList, typeUpsert } from '@vigie/ontology-contracts';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { Actor, hasRole } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException, ResponseOf, VigieException } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { VigieRole } from '@vigie/shared-policy';

const ATTEMPTS = 3;

function unavailable(error: unknown): never {
  if (error instanceof VigieException && (error.kind === ErrorKind.Unavailable || error.kind === ErrorKind.Timeout)) {
    throw new IngestionException(IngestionExceptionCode.DependencyUnavailable, `The ontology could not be reached: ${error.message}`);
  }
  throw error;
}

/**
 * Loads the STIX ontology extension (`STIX_ONTOLOGY_EXTENSION`) into the caller's tenant through
 * the ontology service's type administration (`ontology.v1.type.upsert`, with the caller's
 * forwarded token: the ontology re-checks that the caller administers the tenant). Idempotent: only
 * what is missing is added, existing types keep their definition and get only the properties they
 * lack. A concurrent ontology change (version conflict) is retried from a fresh read.
 */
@Injectable()
export class StixExtensionService {
  constructor(
    private readonly client: ServiceClient,
    private readonly audit: AuditRecorder,
  ) {}

  async state(actor: Actor): Promise<ResponseOf<typeof stixExtensionGet>> {
    if (![VigieRole.Ingest, VigieRole.Admin].some((r) => hasRole(actor, r))) {
      throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `Reading the STIX extension state needs the role ${VigieRole.Ingest} or ${VigieRole.Admin}`, { reason: 'ROLE_MISSING' });
    }
    const { document } = await this.client.request(typeList, {}).catch(unavailable);
    return { version: document.version, missing: checkStixOntology(document) };
  }

  async apply(actor: Actor): Promise<ResponseOf<typeof stixExtensionApply>> {
    if (!hasRole(actor, VigieRole.Admin)) {
      throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `Adding the STIX extension to the tenant's ontology needs the role ${VigieRole.Admin}`, { reason: 'ROLE_MISSING' });
    }
    const changes: { kind: 'object' | 'link'; name: string; created: boolean }[] = [];
    for (let attempt = 1; ; attempt++) {
      let { document } = await this.client.request(typeList, {}).catch(unavailable);
      const plan = planStixOntology(document);
      if (plan.length > 0 && changes.length === 0) {
        await this.audit.record({ actor, action: 'ingest.stix-extension.apply', resources: plan.map((c) => ({ type: `${c.kind}-type`, id: c.type.name })), details: { fromVersion: document.version } });
      }
      try {
        let version = document.version;
        for (const change of plan) {
          const res = await this.client.request(typeUpsert, change.kind === 'object' ? { kind: 'object', expectedVersion: version, type: change.type } : { kind: 'link', expectedVersion: version, type: change.type });
          version = res.version;
          changes.push({ kind: change.kind, name: change.type.name, created: res.created });
        }
        if (plan.length > 0) document = (await this.client.request(typeList, {}).catch(unavailable)).document;
        return { version: document.version, missing: checkStixOntology(document), changes };
      } catch (error) {
        if (error instanceof VigieException && error.code === OntologyExceptionCode.OntologyVersionConflict && attempt < ATTEMPTS) continue;
        unavailable(error);
      }
    }
  }
}
