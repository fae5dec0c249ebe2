import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from './render';

/**
 * Minimal strict schemas of the custom resources the chart renders (their operators' CRDs are not
 * in any registry package): they declare the fields the chart writes and refuse any other, so a
 * typo fails. Keyed by `<apiVersion>/<kind>`; files in tools/chart-checks/schemas/crds/.
 */
export const CRD_SCHEMAS: Record<string, string> = {
  'postgresql.cnpg.io/v1/Cluster': 'cnpg-cluster.json',
  'postgresql.cnpg.io/v1/ScheduledBackup': 'cnpg-scheduledbackup.json',
  'k8s.keycloak.org/v2alpha1/Keycloak': 'keycloak.json',
  'k8s.keycloak.org/v2alpha1/KeycloakRealmImport': 'keycloak-realmimport.json',
  'monitoring.coreos.com/v1/ServiceMonitor': 'servicemonitor.json',
  'gateway.networking.k8s.io/v1/HTTPRoute': 'httproute.json',
};

const crdDir = join(__dirname, '..', '..', 'schemas', 'crds');

/** Validates rendered objects against the strict JSON schemas of one Kubernetes release. */
export class KubernetesSchemaValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    readonly kubernetesVersion: string,
    private readonly schemaDir: string,
  ) {
    this.ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, '_definitions.json'), 'utf8')) as object);
  }

  /** The schema file of a built-in kind: `<kind>[-<group's first label>]-<version>.json`. */
  static fileName(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const groupPart = group ? `-${group!.split('.')[0]}` : '';
    return `${kind.toLowerCase()}${groupPart}-${version}.json`;
  }

  private validatorFor(o: K8sObject): ValidateFunction {
    const key = `${o.apiVersion}/${o.kind}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const crd = CRD_SCHEMAS[key];
    const file = crd ? join(crdDir, crd) : join(this.schemaDir, KubernetesSchemaValidator.fileName(o.apiVersion, o.kind));
    if (!existsSync(file)) {
      throw new Error(`${key} has no schema in Kubernetes ${this.kubernetesVersion} (removed or misspelt API?) nor among the CRD schemas`);
    }
    const validate = this.ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    this.cache.set(key, validate);
    return validate;
  }

  /** Problems of one object, each naming the object and the JSON path; empty when valid. */
  validate(o: K8sObject): string[] {
    let validate: ValidateFunction;
    try {
      validate = this.validatorFor(o);
    } catch (error) {
      return [`${o.kind}/${o.metadata?.name}: ${(error as Error).message}`];
    }
    if (validate(o as unknown)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
      return `${o.kind}/${o.metadata?.name} ${e.instancePath || '/'}: ${e.message}${extra}`;
    });
  }
}
