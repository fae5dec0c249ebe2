import { connect, ConnectionOptions, NatsConnection } from 'nats';

export interface NatsConnectionConfig {
  NATS_URL: string;
  NATS_USER?: string;
  NATS_PASSWORD?: string;
}

/** Connection options shared by the client connection and the Nest NATS server transport. */
export function natsConnectionOptions(config: NatsConnectionConfig, name: string): ConnectionOptions {
  return {
    servers: config.NATS_URL.split(',').map((s) => s.trim()),
    name,
    user: config.NATS_USER,
    pass: config.NATS_PASSWORD,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // Replies come back on a per-user inbox, the only one the user may subscribe to.
    ...(config.NATS_USER ? { inboxPrefix: `_INBOX_${config.NATS_USER}` } : {}),
  };
}

export async function connectNats(config: NatsConnectionConfig, name: string): Promise<NatsConnection> {
  return connect(natsConnectionOptions(config, name));
}
