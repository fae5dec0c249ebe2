import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { DependencyHealth } from '@vigie/shared-contracts';
import { NATS_CONNECTION } from '@vigie/shared-messaging';
import { HealthIndicator } from './health';

/** The NATS servers' JetStream file store limit in bytes (`NATS_JETSTREAM_MAX_STORAGE`), or null when not configured. */
export const JETSTREAM_STORAGE_LIMIT = Symbol('JETSTREAM_STORAGE_LIMIT');

/** From this share of the store used, JetStream is reported `degraded`. */
export const JETSTREAM_STORAGE_WARN_RATIO = 0.9;

export interface JetStreamCheckOptions {
  timeoutMs: number;
  /** The servers' `max_file_store`; the account's own limit is used when it has one. */
  maxStorageBytes?: number | null;
}

/**
 * NATS reachability (round trip), JetStream availability with the server's version, and how full
 * JetStream's store is. A full store loses nothing — publishers are refused, the outbox and the
 * import runner retry — but imports and change events stop, and every audited act (reads included)
 * is refused, fail-closed, until an operator makes room; so health says so from 90 % used
 * (`degraded`: still ready, the service still serves).
 * nats-server does not tell a client its `max_file_store` (only an account limit, usually
 * unlimited), hence the configured limit.
 */
export async function checkJetStream(nc: NatsConnection, options: JetStreamCheckOptions): Promise<DependencyHealth> {
  const started = performance.now();
  const latencyMs = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    await nc.flush();
    const jsm = await nc.jetstreamManager({ timeout: options.timeoutMs });
    const info = await jsm.getAccountInfo();
    const accountLimit = info.limits?.max_storage ?? -1;
    const limit = accountLimit > 0 ? accountLimit : (options.maxStorageBytes ?? null);
    const storage = { storageBytes: info.storage, ...(limit ? { storageLimitBytes: limit } : {}) };
    return { name: 'nats-jetstream', version: nc.info?.version, latencyMs: latencyMs(), ...storage, ...judgeJetStreamStorage(info.storage, limit) };
  } catch (error) {
    return { name: 'nats-jetstream', status: 'down', error: (error as Error).message, latencyMs: Math.round(performance.now() - started) };
  }
}

/** `degraded` with what to do from {@link JETSTREAM_STORAGE_WARN_RATIO} of the limit; `up` below it or without a limit. */
export function judgeJetStreamStorage(used: number, limit: number | null): { status: 'up' } | { status: 'degraded'; error: string } {
  if (!limit || used < limit * JETSTREAM_STORAGE_WARN_RATIO) return { status: 'up' };
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  const share = Math.min(100, Math.floor((used / limit) * 100));
  return {
    status: 'degraded',
    error:
      `JetStream store ${gib(used)} of ${gib(limit)} used (${share} %): when it is full, every audited act is refused (the audit log ` +
      `cannot record it) and imports and change events wait (nothing is lost) until there is room — raise the NATS servers' max_file_store (and NATS_JETSTREAM_MAX_STORAGE) or shorten the streams' retention`,
  };
}

@Injectable()
export class NatsHealthIndicator implements HealthIndicator {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(JETSTREAM_STORAGE_LIMIT) private readonly maxStorageBytes: number | null,
  ) {}

  check(): Promise<DependencyHealth> {
    return checkJetStream(this.nc, { timeoutMs: 2000, maxStorageBytes: this.maxStorageBytes });
  }
}
