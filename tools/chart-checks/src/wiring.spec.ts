import { join } from 'node:path';
import { podTemplates, type Container } from './lib/policies';
import { chartDir, type K8sObject, renderChart } from './lib/render';

type Rule = { to?: { podSelector?: { matchLabels?: Record<string, string> } }[]; from?: unknown[]; ports?: { port: number; protocol: string }[] };
const SERVICES = ['gateway', 'identity', 'ingestion', 'ontology', 'analytics', 'audit'];
const DATABASE = ['identity', 'ingestion', 'ontology', 'analytics', 'audit'];

const byComponent = (objects: K8sObject[], kind: string, component: string) =>
  objects.find((o) => o.kind === kind && o.metadata.labels?.['app.kubernetes.io/component'] === component)!;
const egressPorts = (np: K8sObject) => ((np['spec'] as { egress: Rule[] }).egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
const container = (objects: K8sObject[], component: string): Container => podTemplates([byComponent(objects, 'Deployment', component)])[0]!.spec.containers[0]!;
const env = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('wiring of the default values', () => {
  const objects = renderChart();

  it.each(SERVICES)('%s may reach DNS and NATS; PostgreSQL only with a database; Keycloak only for gateway and identity', (service) => {
    const ports = egressPorts(byComponent(objects, 'NetworkPolicy', service));
    expect(ports).toEqual(expect.arrayContaining([53, 4222]));
    expect(ports.includes(5432)).toBe(DATABASE.includes(service));
    expect(ports.includes(8443)).toBe(service === 'gateway' || service === 'identity');
    expect(ports).not.toContain(4318); // no collector configured
  });

  it('opens ingress only to the gateway, from the ingress controller and the helm test pod', () => {
    for (const service of SERVICES) {
      const ingress = (byComponent(objects, 'NetworkPolicy', service)['spec'] as { ingress: Rule[] }).ingress;
      if (service === 'gateway') {
        expect(ingress).toHaveLength(2);
        expect(ingress.flatMap((r) => r.ports!.map((p) => p.port))).toEqual([3000, 3000]);
      } else {
        expect(ingress ?? []).toEqual([]); // no rule: all ingress denied
      }
    }
    const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('default-deny'))!;
    expect(deny['spec']).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vigie', 'app.kubernetes.io/instance': 'vigie' } },
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it.each(SERVICES)('%s gets its configuration, secrets by reference and the internal port 8081', (service) => {
    const c = container(objects, service);
    const e = env(c);
    expect(e['HEALTH_PORT']).toBe('8081');
    expect(e['NATS_USER']).toBe(service);
    expect(e['NATS_PASSWORD']).toEqual({ secretKeyRef: { name: 'vigie-nats', key: `${service}-password` } });
    expect('DATABASE_URL' in e).toBe(DATABASE.includes(service));
    if (DATABASE.includes(service)) expect(e['DATABASE_SCHEMA']).toBe(service);
    expect('KEYCLOAK_URL' in e).toBe(service === 'gateway' || service === 'identity');
    expect('KEYCLOAK_ADMIN_CLIENT_SECRET' in e).toBe(service === 'identity');
    expect('AUDIT_SIGNING_KEY' in e).toBe(service === 'audit');
    expect('HTTP_PORT' in e).toBe(service === 'gateway');
    expect(c.args).toEqual(['main.js']);
    expect((c as { startupProbe: { httpGet: { path: string; port: string } } }).startupProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
  });

  it('runs migrations then stream setup as a pre-install/pre-upgrade Job, and the realm reconciler after install', () => {
    const jobs = objects.filter((o) => o.kind === 'Job');
    const migrations = jobs.find((j) => j.metadata.name === 'vigie-migrations')!;
    expect(migrations.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const spec = podTemplates([migrations])[0]!.spec;
    const steps = [...spec.initContainers!, ...spec.containers].map((c) => c.name);
    expect(steps).toEqual([...DATABASE.map((s) => `migrate-${s}`), ...DATABASE.map((s) => `setup-streams-${s}`)]);
    const setup = env(spec.containers[0]!);
    expect(setup['NATS_USER']).toBe('setup');
    expect(spec.containers[0]!.args).toEqual(['main.js', 'setup-streams']);
    const reconciler = jobs.find((j) => j.metadata.name === 'vigie-realm-reconciler')!;
    expect(reconciler.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    // Their ServiceAccount and NetworkPolicy are hooks of a lower weight, so they exist before the Job.
    for (const kind of ['ServiceAccount', 'NetworkPolicy']) {
      const o = objects.find((x) => x.kind === kind && x.metadata.name === 'vigie-migrations')!;
      expect(o.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '-10' });
    }
  });

  it('has a helm test that calls the gateway health endpoint', () => {
    const test = objects.find((o) => o.kind === 'Pod')!;
    expect(test.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(JSON.stringify(test['spec'])).toContain('http://vigie-gateway.vigie.svc:3000/api/v1/health');
  });
});

describe('wiring of the scenarios', () => {
  it('high availability: tracing egress, metrics ingress from Prometheus, digests, ServiceMonitors and the dashboard', () => {
    const objects = renderChart([join(chartDir, 'ci/high-availability-values.yaml')]);
    const np = byComponent(objects, 'NetworkPolicy', 'ontology');
    expect(egressPorts(np)).toContain(4318);
    expect(JSON.stringify((np['spec'] as { ingress: Rule[] }).ingress)).toContain('monitoring');
    expect(container(objects, 'gateway').image).toMatch(/^registry\.interieur\.example\.fr\/vigie-mirror\/vigie\/gateway:0\.1\.0@sha256:/);
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(6);
    const dashboard = objects.find((o) => o.kind === 'ConfigMap')!;
    const json = JSON.parse((dashboard['data'] as Record<string, string>)['vigie-overview.json']!) as { panels: { title: string }[] };
    expect(json.panels.map((p) => p.title).join(' | ')).toMatch(/Request rate[\s\S]*Error[\s\S]*Latency[\s\S]*consumer lag[\s\S]*Ingest rate/);
    expect(byComponent(objects, 'PodDisruptionBudget', 'audit')['spec']).toMatchObject({ minAvailable: 2 });
  });

  it('operators on: CloudNativePG and Keycloak resources, egress to them, secrets only as placeholders', () => {
    const objects = renderChart([join(chartDir, 'ci/operators-values.yaml')]);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Cluster', 'ScheduledBackup', 'Keycloak', 'KeycloakRealmImport', 'HTTPRoute']));
    const np = JSON.stringify(byComponent(objects, 'NetworkPolicy', 'identity')['spec']);
    expect(np).toContain('"cnpg.io/cluster":"vigie-db"');
    expect(np).toContain('"app.kubernetes.io/instance":"vigie-keycloak"');
    const realm = objects.find((o) => o.kind === 'KeycloakRealmImport')!;
    const clients = ((realm['spec'] as { realm: { clients: { secret?: string }[] } }).realm.clients);
    for (const c of clients.filter((x) => x.secret)) expect(c.secret).toMatch(/^\$\{VIGIE_[A-Z_]+\}$/);
  });
});
