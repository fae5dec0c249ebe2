import type { K8sObject } from './render';

/**
 * Policy assertions over rendered manifests. Each returns the violations it finds (empty when the
 * manifests comply), every one naming the object and the field, so a failing test says what to fix.
 */

type Json = Record<string, unknown>;

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  securityContext?: Json;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { hostPort?: number }[];
}

export interface PodSpec {
  securityContext?: Json;
  containers: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Json[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
}

export interface PodTemplate {
  owner: K8sObject;
  labels: Record<string, string>;
  namespace: string;
  spec: PodSpec;
  longRunning: boolean;
}

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Every pod the manifests would create: pod templates of workloads, Jobs, CronJobs, and bare Pods. */
export function podTemplates(objects: K8sObject[], defaultNamespace = 'vigie'): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objects) {
    const spec = o['spec'] as Json | undefined;
    let template: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec } | undefined;
    if (o.kind === 'Pod') template = { metadata: o.metadata, spec: spec as unknown as PodSpec };
    else if (o.kind === 'CronJob') template = ((spec?.['jobTemplate'] as Json)?.['spec'] as Json)?.['template'] as typeof template;
    else if (LONG_RUNNING.has(o.kind) || o.kind === 'Job') template = spec?.['template'] as typeof template;
    if (!template?.spec) continue;
    out.push({
      owner: o,
      labels: template.metadata?.labels ?? {},
      namespace: o.metadata.namespace ?? defaultNamespace,
      spec: template.spec,
      longRunning: LONG_RUNNING.has(o.kind),
    });
  }
  return out;
}

const allContainers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...spec.containers, ...(spec.ephemeralContainers ?? [])];
const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

/** Volume types the "restricted" Pod Security Standard allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * The Kubernetes "restricted" Pod Security Standard, plus a read-only root filesystem: non-root,
 * no privilege escalation, all capabilities dropped (only NET_BIND_SERVICE may be added), seccomp
 * RuntimeDefault or Localhost, no host namespaces, ports or paths, restricted volume types.
 */
export function restrictedSecurityViolations(pods: PodTemplate[]): string[] {
  const v: string[] = [];
  for (const { owner, spec } of pods) {
    const podSc = spec.securityContext ?? {};
    const where = id(owner);
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) v.push(`${where}: uses a host namespace`);
    for (const vol of spec.volumes ?? []) {
      const type = Object.keys(vol).find((k) => k !== 'name');
      if (!type || !RESTRICTED_VOLUMES.has(type)) v.push(`${where}: volume ${String(vol['name'])} of type ${type} is not allowed`);
    }
    const podSeccomp = (podSc['seccompProfile'] as Json | undefined)?.['type'];
    for (const c of allContainers(spec)) {
      const sc = c.securityContext ?? {};
      const at = `${where} container ${c.name}`;
      if (sc['privileged'] === true) v.push(`${at}: privileged`);
      if (sc['allowPrivilegeEscalation'] !== false) v.push(`${at}: allowPrivilegeEscalation must be false`);
      const caps = (sc['capabilities'] ?? {}) as { drop?: string[]; add?: string[] };
      if (!caps.drop?.includes('ALL')) v.push(`${at}: capabilities.drop must contain ALL`);
      for (const cap of caps.add ?? []) if (cap !== 'NET_BIND_SERVICE') v.push(`${at}: adds capability ${cap}`);
      const nonRoot = sc['runAsNonRoot'] ?? podSc['runAsNonRoot'];
      if (nonRoot !== true) v.push(`${at}: runAsNonRoot must be true`);
      const user = sc['runAsUser'] ?? podSc['runAsUser'];
      if (user === 0) v.push(`${at}: runAsUser 0`);
      const seccomp = (sc['seccompProfile'] as Json | undefined)?.['type'] ?? podSeccomp;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') v.push(`${at}: seccompProfile must be RuntimeDefault or Localhost`);
      if (sc['readOnlyRootFilesystem'] !== true) v.push(`${at}: readOnlyRootFilesystem must be true`);
      for (const p of c.ports ?? []) if (p.hostPort) v.push(`${at}: hostPort ${p.hostPort}`);
    }
  }
  return v;
}

/** Every container requests CPU and memory and is limited in memory. */
export function resourceViolations(pods: PodTemplate[]): string[] {
  const v: string[] = [];
  for (const { owner, spec } of pods) {
    for (const c of allContainers(spec)) {
      const at = `${id(owner)} container ${c.name}`;
      if (c.resources?.requests?.['cpu'] === undefined) v.push(`${at}: no CPU request`);
      if (c.resources?.requests?.['memory'] === undefined) v.push(`${at}: no memory request`);
      if (c.resources?.limits?.['memory'] === undefined) v.push(`${at}: no memory limit`);
    }
  }
  return v;
}

/** Every container of a long-running workload has liveness, readiness and startup probes. */
export function probeViolations(pods: PodTemplate[]): string[] {
  const v: string[] = [];
  for (const { owner, spec, longRunning } of pods) {
    if (!longRunning) continue;
    for (const c of spec.containers) {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (!c[probe]) v.push(`${id(owner)} container ${c.name}: no ${probe}`);
      }
    }
  }
  return v;
}

/** Every image names a tag other than latest, or a digest. */
export function imageTagViolations(pods: PodTemplate[]): string[] {
  const v: string[] = [];
  for (const { owner, spec } of pods) {
    for (const c of allContainers(spec)) {
      const image = c.image ?? '';
      if (image.includes('@sha256:')) continue;
      const lastSegment = image.split('/').pop() ?? '';
      const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
      if (!tag) v.push(`${id(owner)} container ${c.name}: image ${image || '(none)'} has no tag`);
      else if (tag === 'latest') v.push(`${id(owner)} container ${c.name}: image ${image} uses the latest tag`);
    }
  }
  return v;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, val] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== val) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(value!))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(value!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Every pod is selected by NetworkPolicies that restrict both its ingress and its egress. */
export function networkPolicyCoverageViolations(objects: K8sObject[], pods: PodTemplate[], defaultNamespace = 'vigie'): string[] {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const v: string[] = [];
  for (const pod of pods) {
    const selecting = policies.filter(
      (p) =>
        (p.metadata.namespace ?? defaultNamespace) === pod.namespace &&
        selectorMatches((p['spec'] as Json)['podSelector'] as LabelSelector, pod.labels),
    );
    const types = new Set(selecting.flatMap((p) => ((p['spec'] as Json)['policyTypes'] as string[] | undefined) ?? ['Ingress']));
    if (!types.has('Ingress')) v.push(`${id(pod.owner)}: its pods' ingress is restricted by no NetworkPolicy`);
    if (!types.has('Egress')) v.push(`${id(pod.owner)}: its pods' egress is restricted by no NetworkPolicy`);
  }
  return v;
}

/** No egress rule of a NetworkPolicy reaches addresses by IP block (outside the cluster). */
export function externalEgressViolations(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const p of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const egress = ((p['spec'] as Json)['egress'] as { to?: Json[] }[] | undefined) ?? [];
    egress.forEach((rule, i) => {
      if (!rule.to || rule.to.length === 0) v.push(`${id(p)}: egress rule ${i} allows every destination`);
      for (const peer of rule.to ?? []) if (peer['ipBlock']) v.push(`${id(p)}: egress rule ${i} allows an ipBlock`);
    });
  }
  return v;
}

const SECRET_NAME = /(pass(word)?|secret|token|private[-_]?key|credential|api[-_]?key|signing[-_]?key)/i;
const SECRET_VALUE = [
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { re: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, what: 'a URL with a password' },
  { re: /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, what: 'a JSON Web Token' },
];

/** ConfigMaps hold no secret: no key named like one, no private key, URL with a password or token. */
export function configMapSecretViolations(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [key, value] of Object.entries((cm['data'] as Record<string, string> | undefined) ?? {})) {
      if (SECRET_NAME.test(key)) v.push(`${id(cm)}: key ${key} looks like a secret`);
      for (const { re, what } of SECRET_VALUE) if (re.test(String(value))) v.push(`${id(cm)}: ${key} contains ${what}`);
    }
    if (cm['binaryData']) v.push(`${id(cm)}: binaryData is not allowed`);
  }
  return v;
}

/** Environment variables that look like secrets take their value from a Secret, never a literal. */
export function literalSecretEnvViolations(pods: PodTemplate[]): string[] {
  const v: string[] = [];
  for (const { owner, spec } of pods) {
    for (const c of allContainers(spec)) {
      for (const e of c.env ?? []) {
        // A directory a Secret is mounted at (`REALM_SECRETS_DIR=/etc/...`) names no secret itself.
        const mountedDirectory = e.name.endsWith('_DIR') && e.value !== undefined && e.value.startsWith('/');
        const secretLike = (SECRET_NAME.test(e.name) && !mountedDirectory) || e.name.endsWith('DATABASE_URL');
        if (secretLike && e.value !== undefined) v.push(`${id(owner)} container ${c.name}: ${e.name} is a literal value, not a secretKeyRef`);
        if (e.value && SECRET_VALUE.some(({ re }) => re.test(e.value!))) v.push(`${id(owner)} container ${c.name}: ${e.name} holds a secret value`);
      }
    }
  }
  return v;
}

/** ServiceAccounts and pods do not mount a Kubernetes API token (the services never call the API). */
export function serviceAccountTokenViolations(objects: K8sObject[], pods: PodTemplate[]): string[] {
  const v: string[] = [];
  for (const sa of objects.filter((o) => o.kind === 'ServiceAccount')) {
    if (sa['automountServiceAccountToken'] !== false) v.push(`${id(sa)}: automountServiceAccountToken must be false`);
  }
  for (const { owner, spec } of pods) {
    if (spec.automountServiceAccountToken !== false) v.push(`${id(owner)}: pod automountServiceAccountToken must be false`);
    if (!spec.serviceAccountName || spec.serviceAccountName === 'default') v.push(`${id(owner)}: runs as the default ServiceAccount`);
  }
  return v;
}

/** Every Ingress serves each of its hosts over TLS. */
export function ingressTlsViolations(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const spec = ing['spec'] as { tls?: { hosts?: string[]; secretName?: string }[]; rules?: { host?: string }[] };
    const tlsHosts = new Set((spec.tls ?? []).filter((t) => t.secretName).flatMap((t) => t.hosts ?? []));
    for (const rule of spec.rules ?? []) {
      if (!rule.host || !tlsHosts.has(rule.host)) v.push(`${id(ing)}: host ${rule.host ?? '(any)'} is not served over TLS`);
    }
  }
  return v;
}

/** Names fit in 63 characters and objects carry the standard app.kubernetes.io labels. */
export function namingViolations(objects: K8sObject[]): string[] {
  const v: string[] = [];
  for (const o of objects) {
    if (o.metadata.name.length > 63) v.push(`${id(o)}: name longer than 63 characters`);
    const labels = o.metadata.labels ?? {};
    for (const l of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component', 'app.kubernetes.io/managed-by']) {
      if (!labels[l]) v.push(`${id(o)}: label ${l} missing`);
    }
  }
  return v;
}
