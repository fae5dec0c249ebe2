import { KubernetesSchemaValidator } from './lib/kubernetes-schema.validator';
import {
  configMapSecretViolations,
  externalEgressViolations,
  imageTagViolations,
  literalSecretEnvViolations,
  networkPolicyCoverageViolations,
  podTemplates,
  probeViolations,
  resourceViolations,
  restrictedSecurityViolations,
  serviceAccountTokenViolations,
} from './lib/policies';
import type { K8sObject } from './lib/render';
import { ensureKubernetesSchemas } from './lib/tools';

// The policy checks must fail on bad manifests, not only pass on the chart's.
const deployment = (container: Record<string, unknown>, pod: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bad', namespace: 'vigie' },
  spec: {
    selector: { matchLabels: { app: 'bad' } },
    template: { metadata: { labels: { app: 'bad' } }, spec: { containers: [{ name: 'c', image: 'registry/x:1.0.0', ...container }], ...pod } },
  },
});

describe('policy assertions catch violations', () => {
  it('flags a pod outside the restricted Pod Security Standard', () => {
    const pods = podTemplates([
      deployment({ securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }, { hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] }),
    ]);
    const v = restrictedSecurityViolations(pods).join('\n');
    for (const problem of ['host namespace', 'hostPath', 'privileged', 'allowPrivilegeEscalation', 'drop must contain ALL', 'SYS_ADMIN', 'runAsNonRoot', 'seccompProfile', 'readOnlyRootFilesystem']) {
      expect(v).toContain(problem);
    }
  });

  it('flags missing resources and probes, and latest or untagged images', () => {
    const pods = podTemplates([deployment({ image: 'registry/x:latest' }), deployment({ image: 'registry:5000/x' })]);
    expect(resourceViolations(pods)).toHaveLength(6);
    expect(probeViolations(pods)).toHaveLength(6);
    expect(imageTagViolations(pods)).toEqual([expect.stringContaining('latest'), expect.stringContaining('has no tag')]);
    expect(imageTagViolations(podTemplates([deployment({ image: `r/x@sha256:${'a'.repeat(64)}` })]))).toEqual([]);
  });

  it('flags pods no NetworkPolicy restricts, and egress to IP blocks', () => {
    const pods = podTemplates([deployment({})]);
    expect(networkPolicyCoverageViolations([], pods)).toHaveLength(2);
    const ingressOnly: K8sObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'vigie' }, spec: { podSelector: { matchLabels: { app: 'bad' } }, policyTypes: ['Ingress'] } };
    expect(networkPolicyCoverageViolations([ingressOnly], pods)).toEqual([expect.stringContaining('egress')]);
    const otherNamespace = { ...ingressOnly, metadata: { name: 'np', namespace: 'other' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(networkPolicyCoverageViolations([otherNamespace], pods)).toHaveLength(2);
    const open: K8sObject = { ...ingressOnly, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }, { ports: [{ port: 443 }] }] } };
    expect(externalEgressViolations([open])).toEqual([expect.stringContaining('ipBlock'), expect.stringContaining('every destination')]);
  });

  it('flags secrets in ConfigMaps and in literal environment values', () => {
    const cm: K8sObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm' },
      data: { NATS_PASSWORD: 'x', 'db.txt': 'postgresql://vigie:s3cret@db:5432/vigie', 'key.pem': '-----BEGIN PRIVATE KEY-----\nMC4=' },
    };
    expect(configMapSecretViolations([cm])).toHaveLength(3);
    const pods = podTemplates([deployment({ env: [{ name: 'NATS_PASSWORD', value: 'x' }, { name: 'DATABASE_URL', value: 'postgresql://a:b@c/d' }] })]);
    expect(literalSecretEnvViolations(pods).length).toBeGreaterThanOrEqual(2);
    const dirs = podTemplates([deployment({ env: [{ name: 'REALM_SECRETS_DIR', value: '/etc/vigie/realm-secrets' }, { name: 'SECRETS_DIR', value: 'hunter2' }, { name: 'AUDIT_WRITER_DATABASE_URL', value: 'postgresql://a:b@c/d' }] })]);
    expect(literalSecretEnvViolations(dirs).map((v) => v.split(': ')[1])).toEqual([
      'SECRETS_DIR is a literal value, not a secretKeyRef',
      'AUDIT_WRITER_DATABASE_URL is a literal value, not a secretKeyRef',
      'AUDIT_WRITER_DATABASE_URL holds a secret value',
    ]);
  });

  it('flags API tokens mounted in pods', () => {
    const sa: K8sObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } };
    expect(serviceAccountTokenViolations([sa], podTemplates([deployment({})]))).toHaveLength(3);
  });

  it('the strict Kubernetes schemas refuse an unknown field and a wrong type', () => {
    const validator = new KubernetesSchemaValidator('1.33.0', ensureKubernetesSchemas('1.33.0'));
    const typo = deployment({ imagePullPolicy: 'IfNotPresent' });
    (typo['spec'] as Record<string, unknown>)['replica'] = 2;
    expect(validator.validate(typo).join('\n')).toContain('replica');
    const wrongType = deployment({ ports: [{ containerPort: 'http' }] });
    expect(validator.validate(wrongType).join('\n')).toContain('containerPort');
    expect(validator.validate(deployment({}))).toEqual([]);
    expect(validator.validate({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old' } })).toEqual([
      expect.stringContaining('no schema in Kubernetes 1.33.0'),
    ]);
  });
});
