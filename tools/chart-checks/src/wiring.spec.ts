import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podTemplates, type Container } from './lib/policies';
import { chartDir, helm, type K8sObject, renderChart } from './lib/render';

type Rule = { to?: { podSelector?: { matchLabels?: Record<string, string> } }[]; from?: unknown[]; ports?: { port: number; protocol: string }[] };
const SERVICES = ['gateway', 'identity', 'ingestion', 'ontology', 'analytics', 'audit'];
const DATABASE = ['identity', 'ingestion', 'ontology', 'analytics', 'audit'];

const byComponent = (objects: K8sObject[], kind: string, component: string) =>
  objects.find((o) => o.kind === kind && o.metadata.labels?.['app.kubernetes.io/component'] === component)!;
const egressPorts = (np: K8sObject) => ((np['spec'] as { egress: Rule[] }).egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
const container = (objects: K8sObject[], component: string): Container => podTemplates([byComponent(objects, 'Deployment', component)])[0]!.spec.containers[0]!;
const env = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
const secretRef = (name: string, key: string) => ({ secretKeyRef: { name, key } });

/**
 * What each service needs to run in production, from its config schema (apps/<svc>/src/app/*.config.ts
 * and the feature/auth schemas they extend) and what `scripts/lib/services.cjs` sets locally: `value`
 * a literal, `secret` a secretKeyRef. Keep in step when a schema gains a required variable.
 */
type Need = 'value' | 'secret';
const COMMON: Record<string, Need> = { NODE_ENV: 'value', HEALTH_PORT: 'value', NATS_URL: 'value', NATS_USER: 'value', NATS_PASSWORD: 'secret', AUTH_AUDIENCE: 'value', SERVICE_CLIENT_ID: 'value', SERVICE_CLIENT_SECRET: 'secret' };
const DB: Record<string, Need> = { DATABASE_URL: 'secret', DATABASE_SCHEMA: 'value' };
const REQUIRED: Record<string, Record<string, Need>> = {
  gateway: { ...COMMON, HTTP_PORT: 'value', KEYCLOAK_URL: 'value', CONSOLE_DIR: 'value', CONSOLE_CLIENT_ID: 'value' },
  identity: { ...COMMON, ...DB, KEYCLOAK_URL: 'value', KEYCLOAK_ADMIN_CLIENT_ID: 'value', KEYCLOAK_ADMIN_CLIENT_SECRET: 'secret' },
  ingestion: { ...COMMON, ...DB },
  ontology: { ...COMMON, ...DB },
  analytics: { ...COMMON, ...DB },
  // The running audit service logs in only as the writer role; DATABASE_URL (the owner) is the migration Job's.
  audit: { ...COMMON, AUDIT_WRITER_DATABASE_URL: 'secret', DATABASE_SCHEMA: 'value', AUDIT_SIGNING_KEY: 'secret', AUDIT_ARCHIVE_DIR: 'value', AUDIT_CHECKPOINT_EVERY: 'value', AUDIT_CHECKPOINT_SECONDS: 'value', AUDIT_RETENTION_DAYS: 'value' },
};

/** The default values plus one realm file: the realm reconciler runs only when there are realms. */
function renderWithRealm(): K8sObject[] {
  const file = join(mkdtempSync(join(tmpdir(), 'vigie-realm-')), 'values.yaml');
  writeFileSync(file, 'identity:\n  realms:\n    alpha.yaml: |\n      realm: alpha\n');
  return renderChart([file]);
}

describe('wiring of the default values', () => {
  const objects = renderChart();
  const withRealm = renderWithRealm();

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
    expect('DATABASE_URL' in e).toBe(DATABASE.includes(service) && service !== 'audit');
    if (DATABASE.includes(service)) expect(e['DATABASE_SCHEMA']).toBe(service);
    expect('KEYCLOAK_URL' in e).toBe(service === 'gateway' || service === 'identity');
    expect('KEYCLOAK_ADMIN_CLIENT_SECRET' in e).toBe(service === 'identity');
    expect('AUDIT_SIGNING_KEY' in e).toBe(service === 'audit');
    expect('HTTP_PORT' in e).toBe(service === 'gateway');
    expect(c.args).toEqual(['main.js']);
    expect((c as { startupProbe: { httpGet: { path: string; port: string } } }).startupProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
  });

  it.each(SERVICES)('%s gets every variable its config schema requires, secrets only by secretKeyRef', (service) => {
    const e = env(container(objects, service));
    for (const [name, need] of Object.entries(REQUIRED[service]!)) {
      expect([name, name in e]).toEqual([name, true]);
      expect([name, typeof e[name]]).toEqual([name, need === 'value' ? 'string' : 'object']);
      if (need === 'secret') expect(Object.keys(e[name] as object)).toEqual(['secretKeyRef']);
    }
    expect(e['SERVICE_CLIENT_ID']).toBe(`vigie-${service}`);
    expect(e['SERVICE_CLIENT_SECRET']).toEqual(secretRef('vigie-service-clients', `client-vigie-${service}`));
  });

  it('audit: writer role at run time, owner role only in its migration, signing key and archive volume', () => {
    const e = env(container(objects, 'audit'));
    expect(e['AUDIT_WRITER_DATABASE_URL']).toEqual(secretRef('vigie-database', 'audit-writer-url'));
    expect(e['AUDIT_SIGNING_KEY']).toEqual(secretRef('vigie-audit-signing-key', 'private.pem'));
    expect('AUDIT_RETIRED_PUBLIC_KEYS' in e).toBe(false);
    const pod = podTemplates([byComponent(objects, 'Deployment', 'audit')])[0]!.spec as unknown as { volumes: { name: string; emptyDir?: unknown }[]; containers: { volumeMounts: { name: string; mountPath: string }[] }[] };
    expect(pod.volumes.find((v) => v.name === 'audit-archive')?.emptyDir).toEqual({ sizeLimit: '1Gi' });
    expect(pod.containers[0]!.volumeMounts).toContainEqual({ name: 'audit-archive', mountPath: e['AUDIT_ARCHIVE_DIR'] });
    const migrations = podTemplates([objects.find((o) => o.kind === 'Job' && o.metadata.name === 'vigie-migrations')!])[0]!.spec;
    const migrate = env([...migrations.initContainers!, ...migrations.containers].find((c) => c.name === 'migrate-audit')!);
    expect(migrate['DATABASE_URL']).toEqual(secretRef('vigie-database', 'audit-owner-url'));
    expect('AUDIT_WRITER_DATABASE_URL' in migrate).toBe(false);
    expect(objects.some((o) => o.kind === 'CronJob')).toBe(false);
  });

  it('identity: realm files from a ConfigMap and realm secrets from a Secret, in the reconciler only', () => {
    const realms = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'vigie-realms')!;
    expect(realms['data']).toEqual({});
    expect(objects.some((o) => o.metadata.name === 'vigie-realm-reconciler')).toBe(false); // no realm file: nothing to reconcile
    const reconciler = podTemplates([withRealm.find((o) => o.metadata.name === 'vigie-realm-reconciler' && o.kind === 'Job')!])[0]!.spec;
    const service = podTemplates([byComponent(withRealm, 'Deployment', 'identity')])[0]!.spec;
    expect(JSON.stringify(service)).not.toMatch(/realm/i); // the running service never reads realm files or their secrets
    for (const spec of [reconciler]) {
      const s = spec as unknown as { volumes: Record<string, unknown>[]; containers: { env: { name: string; value?: string }[]; volumeMounts: Record<string, unknown>[] }[] };
      expect(s.volumes).toEqual(expect.arrayContaining([
        { name: 'realms', configMap: { name: 'vigie-realms' } },
        { name: 'realm-secrets', secret: { secretName: 'vigie-realm-secrets', defaultMode: 0o440 } },
      ]));
      const e = env(s.containers[0] as unknown as Container);
      expect(s.containers[0]!.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'realms', mountPath: e['REALMS_DIR'], readOnly: true },
        { name: 'realm-secrets', mountPath: e['REALM_SECRETS_DIR'], readOnly: true },
      ]));
    }
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
    const reconciler = withRealm.find((j) => j.kind === 'Job' && j.metadata.name === 'vigie-realm-reconciler')!;
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
  it('audit retention, retired keys, a persistent archive, realm files and console settings from values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-wiring-'));
    const file = join(dir, 'values.yaml');
    writeFileSync(
      file,
      [
        'audit:',
        '  retiredPublicKeys: "-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEA\\n-----END PUBLIC KEY-----"',
        '  retentionDays: 365',
        '  archive:',
        '    existingClaim: vigie-audit-archive',
        '  retentionCronJob:',
        '    enabled: true',
        'identity:',
        '  realms:',
        '    alpha.yaml: |',
        '      realm: alpha',
        '      clients:',
        '        - clientId: vigie-gateway',
        '          secretRef: client-vigie-gateway',
        'gateway:',
        '  console:',
        '    keycloakUrl: https://auth.vigie.example.fr',
        'keycloak:',
        '  issuerUrl: https://auth.vigie.example.fr',
        'ontology:',
        '  defaultTenants: alpha,beta',
        '',
      ].join('\n'),
    );
    const objects = renderChart([file]);
    const audit = env(container(objects, 'audit'));
    expect(audit['AUDIT_RETENTION_DAYS']).toBe('365');
    expect(audit['AUDIT_RETIRED_PUBLIC_KEYS']).toContain('BEGIN PUBLIC KEY');
    const cron = objects.find((o) => o.kind === 'CronJob')!;
    const spec = podTemplates([cron])[0]!;
    expect(spec.spec.containers[0]!.args).toEqual(['main.js', 'retention']);
    expect(JSON.stringify(spec.spec)).toContain('"claimName":"vigie-audit-archive"');
    expect(spec.labels['app.kubernetes.io/component']).toBe('audit-retention');
    expect(egressPorts(byComponent(objects, 'NetworkPolicy', 'audit-retention'))).toEqual(expect.arrayContaining([53, 4222, 5432]));
    const realms = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'vigie-realms')!;
    expect((realms['data'] as Record<string, string>)['alpha.yaml']).toContain('secretRef: client-vigie-gateway');
    const gateway = env(container(objects, 'gateway'));
    expect(gateway['CONSOLE_KEYCLOAK_URL']).toBe('https://auth.vigie.example.fr');
    expect(gateway['KEYCLOAK_ISSUER_URL']).toBe('https://auth.vigie.example.fr');
    expect(env(container(objects, 'identity'))['KEYCLOAK_ISSUER_URL']).toBe('https://auth.vigie.example.fr');
    expect('KEYCLOAK_ISSUER_URL' in env(container(objects, 'ontology'))).toBe(false);
    expect(env(container(objects, 'ontology'))['ONTOLOGY_DEFAULT_TENANTS']).toBe('alpha,beta');
  });

  it('refuses a retention CronJob without a persistent archive and an audit migration without the owner URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-wiring-'));
    const cron = join(dir, 'cron.yaml');
    writeFileSync(cron, 'audit:\n  retentionCronJob:\n    enabled: true\n');
    expect(helm(['template', 'vigie', chartDir, '-f', cron]).stderr).toContain('audit.archive.existingClaim');
    const owner = join(dir, 'owner.yaml');
    writeFileSync(owner, 'postgresql:\n  migrationSecretKeys:\n    audit: ""\n');
    expect(helm(['template', 'vigie', chartDir, '-f', owner]).stderr).toContain('postgresql.migrationSecretKeys.audit');
  });

  it('high availability: tracing egress, metrics ingress from Prometheus, digests, ServiceMonitors and the dashboard', () => {
    const objects = renderChart([join(chartDir, 'ci/high-availability-values.yaml')]);
    const np = byComponent(objects, 'NetworkPolicy', 'ontology');
    expect(egressPorts(np)).toContain(4318);
    expect(JSON.stringify((np['spec'] as { ingress: Rule[] }).ingress)).toContain('monitoring');
    expect(container(objects, 'gateway').image).toMatch(/^registry\.interieur\.example\.fr\/vigie-mirror\/vigie\/gateway:0\.1\.0@sha256:/);
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(6);
    const dashboard = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name !== 'vigie-realms')!;
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

  it('the Keycloak it renders lets one user log in from several clients at once, and takes further options', () => {
    const options = (files: string[], set: string[] = []) =>
      (renderChart(files, set).find((o) => o.kind === 'Keycloak')!['spec'] as { additionalOptions?: { name: string; value: string }[] }).additionalOptions;
    const operators = [join(chartDir, 'ci/operators-values.yaml')];
    expect(options(operators)).toEqual([{ name: 'spi-brute-force-protector--default-brute-force-detector--allow-concurrent-requests', value: 'true' }]);
    expect(options(operators, ['keycloakOperator.keycloak.allowConcurrentLogins=false'])).toBeUndefined();
    expect(options(operators, ['keycloakOperator.keycloak.additionalOptions[0].name=log-level', 'keycloakOperator.keycloak.additionalOptions[0].value=info'])).toContainEqual({ name: 'log-level', value: 'info' });
  });
});
