import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { natsPermissions, natsValuesPath, passwordEnv, renderNatsValues } from './lib/nats-values';

describe('values file for the official NATS chart', () => {
  it('is in step with config/nats/permissions.json (regenerate: npx nx run chart-checks:nats-values)', () => {
    expect(readFileSync(natsValuesPath, 'utf8')).toBe(renderNatsValues());
  });

  it('declares a 3-node JetStream cluster with TLS and one user per service, passwords from the Vigie NATS Secret', () => {
    const values = parse(readFileSync(natsValuesPath, 'utf8')) as {
      config: { cluster: { enabled: boolean; replicas: number; tls: { enabled: boolean } }; nats: { tls: { enabled: boolean } }; jetstream: { enabled: boolean; fileStore: { enabled: boolean } }; merge: { authorization: { users: { user: string; password: string }[] } } };
      container: { env: Record<string, { valueFrom: { secretKeyRef: { name: string; key: string } } }> };
    };
    expect(values.config.cluster).toMatchObject({ enabled: true, replicas: 3, tls: { enabled: true } });
    expect(values.config.nats.tls.enabled).toBe(true);
    expect(values.config.jetstream).toMatchObject({ enabled: true, fileStore: { enabled: true } });
    const users = values.config.merge.authorization.users.map((u) => u.user);
    expect(users.sort()).toEqual(Object.keys(natsPermissions()).sort());
    expect(users).toEqual(expect.arrayContaining(['gateway', 'identity', 'ingestion', 'ontology', 'analytics', 'audit', 'setup']));
    for (const u of values.config.merge.authorization.users) {
      expect(u.password).toBe(`<< $${passwordEnv(u.user)} >>`);
      expect(values.container.env[passwordEnv(u.user)]?.valueFrom.secretKeyRef).toEqual({ name: 'vigie-nats', key: `${u.user}-password` });
    }
  });
});
