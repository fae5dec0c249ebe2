import { Injectable } from '@nestjs/common';
import { Actor } from '@vigie/shared-auth';
import { AuditAction } from '@vigie/audit-contracts';
import {
  LinkType,
  ObjectType,
  OntologyDocument,
  OntologyException,
  OntologyExceptionCode,
  TypeUpsertRequest,
} from '@vigie/ontology-contracts';
import { OntologyDatabase, OntologyDocumentRepository, OutboxRepository, Sql } from '@vigie/ontology-data-access';
import { applyTypeUpsert, findLinkType, findObjectType, loadDefaultOntology } from '@vigie/ontology-domain';
import { PolicyAction } from '@vigie/shared-policy';
import { recordedActor, requirePermission } from './access';
import { OntologyEvents } from './ontology-events';
import { OutboxPublisher } from './outbox-publisher.service';

export interface CurrentOntology {
  document: OntologyDocument;
  updatedAt: Date;
}

/** The actor recorded for the default ontology created on a tenant's first use. */
const SYSTEM_ACTOR = { subject: 'vigie-ontology', username: 'vigie-ontology', kind: 'service' as const };

/**
 * The tenant's ontology, as data. A tenant without one gets the default ontology as its version 1,
 * created lazily on first use inside a transaction (`INSERT … ON CONFLICT DO NOTHING`, so concurrent
 * first uses agree) — see ADR 0009. Documents are cached per tenant and revalidated against the
 * stored version number on every use.
 */
@Injectable()
export class OntologyTypesService {
  private readonly documents = new OntologyDocumentRepository();
  private readonly outbox = new OutboxRepository();
  private readonly cache = new Map<string, CurrentOntology>();

  constructor(
    private readonly db: OntologyDatabase,
    private readonly outboxPublisher: OutboxPublisher,
  ) {}

  /** The active ontology of a tenant (the default one is created on first use). */
  async current(tenant: string, sql?: Sql): Promise<CurrentOntology> {
    const run = async (s: Sql): Promise<CurrentOntology> => {
      const version = await this.documents.currentVersion(s, tenant);
      const cached = this.cache.get(tenant);
      if (cached && version === cached.document.version) return cached;
      if (version === undefined) await this.documents.append(s, tenant, loadDefaultOntology(), SYSTEM_ACTOR, undefined, { kind: 'default' });
      const stored = await this.documents.current(s, tenant);
      if (!stored) throw new Error(`ontology of ${tenant} vanished`);
      const entry = { document: stored.document, updatedAt: stored.createdAt };
      this.cache.set(tenant, entry);
      return entry;
    };
    return sql ? run(sql) : this.db.transaction(run);
  }

  /** `load-default-ontology`: makes sure each tenant has an ontology (version 1 = the default). Returns the tenants that got one. */
  async ensureDefault(tenants: string[]): Promise<string[]> {
    const created: string[] = [];
    for (const tenant of tenants) {
      const added = await this.db.transaction(async (sql) =>
        (await this.documents.currentVersion(sql, tenant)) === undefined
          ? this.documents.append(sql, tenant, loadDefaultOntology(), SYSTEM_ACTOR, undefined, { kind: 'default' })
          : false,
      );
      if (added) created.push(tenant);
    }
    return created;
  }

  async list(actor: Actor): Promise<{ document: OntologyDocument; updatedAt: string }> {
    const { document, updatedAt } = await this.current(actor.tenant);
    return { document, updatedAt: updatedAt.toISOString() };
  }

  async get(actor: Actor, kind: 'object' | 'link', name: string): Promise<{ kind: 'object'; version: number; type: ObjectType } | { kind: 'link'; version: number; type: LinkType }> {
    const { document } = await this.current(actor.tenant);
    return kind === 'object'
      ? { kind, version: document.version, type: findObjectType(document, name) }
      : { kind, version: document.version, type: findLinkType(document, name) };
  }

  /**
   * Adds or changes a type: validated, checked against the data stored for it (usage computed
   * with aggregate queries), refused with every problem named when it would invalidate data.
   */
  async upsert(actor: Actor, request: TypeUpsertRequest): Promise<{ version: number; kind: 'object' | 'link'; name: string; created: boolean }> {
    requirePermission(actor, PolicyAction.Administer);
    const result = await this.db.transaction(async (sql) => {
      await this.documents.lockTenant(sql, actor.tenant);
      const { document } = await this.current(actor.tenant, sql);
      const name = request.type.name;
      const enums = request.type.properties.filter((p) => p.kind === 'enum').map((p) => p.name);
      const previous = request.kind === 'object' ? document.objectTypes.find((t) => t.name === name) : document.linkTypes.find((t) => t.name === name);
      const previousEnums = (previous?.properties ?? []).filter((p) => p.kind === 'enum').map((p) => p.name);
      const allEnums = [...new Set([...enums, ...previousEnums])];
      const usage = !previous
        ? undefined
        : request.kind === 'object'
          ? await this.documents.objectTypeUsage(sql, actor.tenant, name, allEnums)
          : await this.documents.linkTypeUsage(sql, actor.tenant, name, allEnums);
      const next = applyTypeUpsert(document, request, usage);
      const appended = await this.documents.append(sql, actor.tenant, next.document, recordedActor(actor), actor.purpose, { kind: request.kind, name, created: next.created });
      if (!appended) {
        throw new OntologyException(OntologyExceptionCode.OntologyVersionConflict, `The ontology moved past version ${document.version} meanwhile; reload and retry`);
      }
      await this.outbox.add(sql, [
        OntologyEvents.typesChanged(actor.tenant, actor, next.document),
        OntologyEvents.audit(actor.tenant, actor, AuditAction.OntologyTypeChange, [{ type: `${request.kind}-type`, id: name }], {
          version: next.document.version,
          created: next.created,
        }),
      ]);
      return { version: next.document.version, kind: request.kind, name, created: next.created };
    });
    this.cache.delete(actor.tenant);
    await this.outboxPublisher.flush();
    return result;
  }
}
