import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ensureKubeTools, helmEnv, workspaceRoot } from './tools';

/** A Kubernetes object as rendered by helm. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const chartDir = join(workspaceRoot, 'charts', 'vigie');

export interface HelmResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const { helm: bin } = ensureKubeTools();
  const result = spawnSync(bin, args, { cwd: workspaceRoot, env: helmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

function valuesArgs(valuesFiles: string[], set: string[]): string[] {
  return [...valuesFiles.flatMap((f) => ['-f', f]), ...set.flatMap((s) => ['--set', s])];
}

/** `helm template` of the chart; throws with helm's message when rendering fails. */
export function renderChart(valuesFiles: string[] = [], set: string[] = [], namespace = 'vigie'): K8sObject[] {
  const result = helm(['template', 'vigie', chartDir, '--namespace', namespace, ...valuesArgs(valuesFiles, set)]);
  if (!result.ok) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return parseManifests(result.stdout);
}

export function lintChart(valuesFiles: string[] = []): HelmResult {
  return helm(['lint', chartDir, '--strict', ...valuesArgs(valuesFiles, [])]);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export const objectId = (o: K8sObject): string => `${o.kind}/${o.metadata?.name}`;
