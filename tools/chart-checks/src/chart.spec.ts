import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  configMapSecretViolations,
  externalEgressViolations,
  imageTagViolations,
  ingressTlsViolations,
  literalSecretEnvViolations,
  namingViolations,
  networkPolicyCoverageViolations,
  podTemplates,
  probeViolations,
  resourceViolations,
  restrictedSecurityViolations,
  serviceAccountTokenViolations,
} from './lib/policies';
import { KubernetesSchemaValidator } from './lib/kubernetes-schema.validator';
import { chartDir, type K8sObject, lintChart, renderChart } from './lib/render';
import { ensureKubernetesSchemas, KUBERNETES_VERSIONS } from './lib/tools';

const ciDir = join(chartDir, 'ci');
const scenarioFiles = readdirSync(ciDir).filter((f) => f.endsWith('-values.yaml')).sort();
const scenarios: [string, string[]][] = [['default values', []], ...scenarioFiles.map((f): [string, string[]] => [f, [join(ciDir, f)]])];

const validators = new Map<string, KubernetesSchemaValidator>();
const validator = (version: string) => {
  let v = validators.get(version);
  if (!v) validators.set(version, (v = new KubernetesSchemaValidator(version, ensureKubernetesSchemas(version))));
  return v;
};

it('has the scenario files the checks are written for', () => {
  expect(scenarioFiles).toEqual(
    expect.arrayContaining(['minimal-values.yaml', 'high-availability-values.yaml', 'operators-values.yaml', 'networkpolicies-off-values.yaml']),
  );
});

describe.each(scenarios)('chart rendered with %s', (name, files) => {
  let objects: K8sObject[];
  let pods: ReturnType<typeof podTemplates>;
  const networkPoliciesOn = name !== 'networkpolicies-off-values.yaml';

  beforeAll(() => {
    objects = renderChart(files);
    pods = podTemplates(objects);
  });

  it('passes helm lint --strict', () => {
    const result = lintChart(files);
    expect(result.stderr + result.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
    expect(result.ok).toBe(true);
  });

  it('renders a Deployment for each of the six services and a pod for each workload', () => {
    const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.labels?.['app.kubernetes.io/component']);
    expect(deployments.sort()).toEqual(['analytics', 'audit', 'gateway', 'identity', 'ingestion', 'ontology']);
    expect(pods.length).toBeGreaterThanOrEqual(7);
  });

  it.each(KUBERNETES_VERSIONS)('validates every object against the strict Kubernetes %s schemas (unknown fields fail)', (version) => {
    const v = validator(version);
    expect(objects.flatMap((o) => v.validate(o))).toEqual([]);
  });

  it('runs every pod under the restricted Pod Security Standard with a read-only root filesystem', () => {
    expect(restrictedSecurityViolations(pods)).toEqual([]);
  });

  it('gives every container resources and every service container liveness, readiness and startup probes', () => {
    expect(resourceViolations(pods)).toEqual([]);
    expect(probeViolations(pods)).toEqual([]);
  });

  it('pins every image (no latest, a tag or a digest)', () => {
    expect(imageTagViolations(pods)).toEqual([]);
  });

  it('keeps secrets out of ConfigMaps and literal env values', () => {
    expect(configMapSecretViolations(objects)).toEqual([]);
    expect(literalSecretEnvViolations(pods)).toEqual([]);
  });

  it('mounts no Kubernetes API token', () => {
    expect(serviceAccountTokenViolations(objects, pods)).toEqual([]);
  });

  it('serves every Ingress host over TLS and names objects within 63 characters with the standard labels', () => {
    expect(ingressTlsViolations(objects)).toEqual([]);
    expect(namingViolations(objects)).toEqual([]);
  });

  if (networkPoliciesOn) {
    it('selects every pod with NetworkPolicies restricting ingress and egress, with no egress outside the cluster', () => {
      expect(networkPolicyCoverageViolations(objects, pods)).toEqual([]);
      expect(externalEgressViolations(objects)).toEqual([]);
    });
  } else {
    it('renders no NetworkPolicy when they are off', () => {
      expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
    });
  }
});
