import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { Gauge, Registry } from 'prom-client';
import { ANALYTICS_PROJECTOR_DURABLE, ProjectionStatus } from '@vigie/analytics-contracts';
import { ONTOLOGY_STREAM } from '@vigie/ontology-contracts';
import { DependencyHealth } from '@vigie/shared-contracts';
import { ConsumerHold, NATS_CONNECTION } from '@vigie/shared-messaging';
import { HealthIndicator } from '@vigie/shared-service';
import { ServiceMetrics } from '@vigie/shared-telemetry';
import type { AnalyticsFeatureConfig } from './analytics-feature.config';
import { ANALYTICS_CONFIG } from './tokens';

/**
 * Measures how far the projections are behind the ONTOLOGY stream: messages not yet applied
 * (pending + unacknowledged, from the durable consumer) and the age of the oldest unapplied one.
 * Exposed as Prometheus gauges, in the health report and by `analytics.v1.projection.status`.
 */
@Injectable()
export class ProjectionLagMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private lastEventAt: string | null = null;
  private last?: ProjectionStatus;
  private lastError?: string;
  private hold?: ConsumerHold;
  private gauges?: { lagMessages: Gauge; lagSeconds: Gauge; ackFloor: Gauge; held: Gauge };

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsFeatureConfig,
  ) {}

  /** Registers the lag gauges on the service's registry (served on `/metrics`). */
  attachMetrics(registry: Registry): void {
    if (this.gauges) return;
    const registers = [registry];
    this.gauges = {
      lagMessages: new Gauge({ name: 'vigie_analytics_projection_lag_messages', help: 'ONTOLOGY events not yet applied to the projections', registers }),
      lagSeconds: new Gauge({ name: 'vigie_analytics_projection_lag_seconds', help: 'Age of the oldest ONTOLOGY event not yet applied (0 when caught up)', registers }),
      ackFloor: new Gauge({ name: 'vigie_analytics_projection_ack_floor', help: 'Stream sequence up to which every ONTOLOGY event is applied', registers }),
      held: new Gauge({ name: 'vigie_analytics_projection_held', help: '1 while the projector is held by an ONTOLOGY event subject this build does not know (upgrade analytics)', registers }),
    };
  }

  onApplicationBootstrap(): void {
    const tick = () => {
      this.measure()
        .catch(() => undefined)
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.config.PROJECTION_LAG_POLL_MS).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  onApplicationShutdown(): void {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
  }

  /** Called by the projector after each applied batch. */
  applied(occurredAt: string): void {
    this.lastEventAt = occurredAt;
  }

  /** Called by the projector when a hold at an unknown subject begins, is renewed or ends. */
  held(hold: ConsumerHold | undefined): void {
    this.hold = hold;
    this.gauges?.held.set(hold ? 1 : 0);
  }

  async measure(): Promise<ProjectionStatus> {
    try {
      const jsm = await this.nc.jetstreamManager({ timeout: this.config.REQUEST_TIMEOUT_MS });
      const [info, stream] = await Promise.all([jsm.consumers.info(ONTOLOGY_STREAM, ANALYTICS_PROJECTOR_DURABLE), jsm.streams.info(ONTOLOGY_STREAM)]);
      const lagMessages = info.num_pending + info.num_ack_pending;
      const ackFloor = info.ack_floor.stream_seq;
      let lagSeconds = 0;
      if (lagMessages > 0) {
        const oldest = await jsm.streams.getMessage(ONTOLOGY_STREAM, { seq: ackFloor + 1 }).catch(() => undefined);
        lagSeconds = oldest ? Math.max(0, (Date.now() - oldest.time.getTime()) / 1000) : 0;
      }
      const status: ProjectionStatus = {
        consumer: ANALYTICS_PROJECTOR_DURABLE,
        lagMessages,
        ackFloor,
        streamLastSeq: stream.state.last_seq,
        lastEventAt: this.lastEventAt,
        lagSeconds: Math.round(lagSeconds * 1000) / 1000,
        ...(this.hold ? { heldBy: { subject: this.hold.subject, seq: this.hold.seq, since: this.hold.since } } : {}),
      };
      this.gauges?.lagMessages.set(lagMessages);
      this.gauges?.lagSeconds.set(status.lagSeconds);
      this.gauges?.ackFloor.set(ackFloor);
      this.last = status;
      this.lastError = undefined;
      return status;
    } catch (error) {
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  async check(): Promise<DependencyHealth> {
    try {
      const s = await this.measure();
      const behind = `${s.lagMessages} events behind (ack floor ${s.ackFloor} of ${s.streamLastSeq})`;
      // Held: still serving queries (stale, not wrong), so `up`, with the cause and the remedy.
      const held = s.heldBy ? `; held since ${s.heldBy.since} by unknown event subject ${s.heldBy.subject} at stream sequence ${s.heldBy.seq} — upgrade analytics` : '';
      return { name: 'ontology-projection', status: 'up', latencyMs: Math.round(s.lagSeconds * 1000), version: behind + held };
    } catch {
      return { name: 'ontology-projection', status: 'down', error: `projection consumer ${ANALYTICS_PROJECTOR_DURABLE} unreachable: ${this.lastError ?? 'unknown'}` };
    }
  }

  /** The latest measurement (measured now if none yet). */
  async status(): Promise<ProjectionStatus> {
    return this.measure().catch(() => {
      if (this.last) return this.last;
      throw new Error(this.lastError ?? 'projection status unavailable');
    });
  }
}

/** The projection's line in the service health report (created by the service kit, which holds the metrics registry). */
@Injectable()
export class ProjectionHealthIndicator implements HealthIndicator {
  constructor(
    private readonly monitor: ProjectionLagMonitor,
    metrics: ServiceMetrics,
  ) {
    monitor.attachMetrics(metrics.registry);
  }

  check(): Promise<DependencyHealth> {
    return this.monitor.check();
  }
}
