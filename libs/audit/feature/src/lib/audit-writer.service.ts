import { AuditEvent } from '@vigie/audit-contracts';
import { appendEvents, checkpointDue, CheckpointPolicy, groupEventsByTenant, signCheckpoint } from '@vigie/audit-chain';
import { AuditStore, AuditTx } from '@vigie/audit-data-access';
import { AuditKeyRing } from './audit-keys';

export interface AppendBatchResult {
  appended: number;
  duplicates: number;
  checkpoints: number;
}

/**
 * Appends events to their tenants' hash chains: one transaction per batch, tenants locked in a
 * fixed order (advisory lock per tenant: concurrent writers — replicas, a redelivery racing the
 * first delivery — never fork a chain), already-chained event ids skipped (idempotent), one
 * multi-row INSERT per tenant, and a signed checkpoint in the same transaction when one is due.
 */
export class AuditWriter {
  /** Tenants with records not yet covered by a checkpoint (for the timer). */
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: AuditStore,
    private readonly keys: AuditKeyRing,
    private readonly policy: CheckpointPolicy,
  ) {}

  async appendBatch(events: readonly AuditEvent[], now: () => Date = () => new Date()): Promise<AppendBatchResult> {
    const groups = groupEventsByTenant(events);
    const tenants = [...groups.keys()].sort();
    const result = await this.store.transaction(async (tx) => {
      const totals: AppendBatchResult = { appended: 0, duplicates: 0, checkpoints: 0 };
      for (const tenant of tenants) {
        const batch = groups.get(tenant) ?? [];
        await tx.lockTenant(tenant);
        const head = await tx.head(tenant);
        const known = await tx.knownEventIds(tenant, batch.map((e) => e.id));
        const appended = appendEvents(head, batch, { knownEventIds: known, recordedAt: now() });
        await tx.insertRecords(appended.records);
        totals.appended += appended.records.length;
        totals.duplicates += appended.duplicates.length;
        if (appended.records.length && (await this.checkpointIfDue(tx, tenant, now()))) totals.checkpoints += 1;
      }
      return totals;
    });
    return result;
  }

  /** Signs due checkpoints of every tenant with unsigned records (timer; also at start for all tenants). */
  async checkpointPending(tenants: Iterable<string> = this.dirty, now: () => Date = () => new Date()): Promise<number> {
    let signed = 0;
    for (const tenant of [...tenants].sort()) {
      const done = await this.store.transaction(async (tx) => {
        await tx.lockTenant(tenant);
        return this.checkpointIfDue(tx, tenant, now());
      });
      if (done) signed += 1;
    }
    return signed;
  }

  private async checkpointIfDue(tx: AuditTx, tenant: string, now: Date): Promise<boolean> {
    const head = await tx.head(tenant);
    const last = await tx.lastCheckpoint(tenant);
    if (head.seq === 0 || (last && head.seq <= last.seq)) {
      this.dirty.delete(tenant);
      return false;
    }
    if (!checkpointDue(this.policy, head, last, now)) {
      this.dirty.add(tenant);
      return false;
    }
    await tx.insertCheckpoint(signCheckpoint(head, this.keys.signing, { time: now }));
    this.dirty.delete(tenant);
    return true;
  }
}
