import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launcher } from '@vigie/shared-testing';

const ROOT = launcher.ROOT;
const ESLINT = join(ROOT, 'node_modules/.bin/eslint');

/** Lints a piece of code as if it were the given file of the workspace, without writing it. */
function lintAs(filePath: string, code: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', filePath, '--format', 'stylish'], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
    timeout: 120000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('module boundaries', () => {
  it('accepts an import of shared plumbing and of another domain\'s contracts', () => {
    const { status, output } = lintAs('apps/analytics/src/allowed.ts', "import { ontologyHealthCheck } from '@vigie/ontology-contracts';\nimport { loadConfig } from '@vigie/shared-config';\nexport const used = [ontologyHealthCheck, loadConfig];\n");
    expect(output).not.toContain('enforce-module-boundaries');
    expect(status).toBe(0);
  });

  it('refuses an app importing another app', () => {
    const { status, output } = lintAs('apps/analytics/src/forbidden.ts', "import '../../gateway/src/main';\n");
    expect(status).toBe(1);
    expect(output).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses a domain importing another domain beyond its contracts', () => {
    const { status, output } = lintAs('apps/analytics/src/forbidden.ts', "import { GatewayModule } from '@vigie/gateway-feature';\nexport const m = GatewayModule;\n");
    expect(status).toBe(1);
    expect(output).toMatch(/enforce-module-boundaries/);
  });

  it('refuses the ontology depending on ingestion, even its contracts', () => {
    const { status, output } = lintAs('libs/ontology/contracts/src/forbidden.ts', "import { ingestionHealthCheck } from '@vigie/ingestion-contracts';\nexport const c = ingestionHealthCheck;\n");
    expect(status).toBe(1);
    expect(output).toMatch(/enforce-module-boundaries/);
  });

  it('refuses shared plumbing depending on a domain', () => {
    const { status, output } = lintAs('libs/shared/messaging/src/forbidden.ts', "import { ontologyHealthCheck } from '@vigie/ontology-contracts';\nexport const c = ontologyHealthCheck;\n");
    expect(status).toBe(1);
    expect(output).toMatch(/enforce-module-boundaries/);
  });

  it('has no app depending on an app in the project graph', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigie-graph-')), 'graph.json');
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/.bin/nx'), 'graph', `--file=${file}`], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
    expect(result.status).toBe(0);
    const graph = JSON.parse(readFileSync(file, 'utf8')) as {
      graph: { nodes: Record<string, { type: string }>; dependencies: Record<string, { target: string }[]> };
    };
    const apps = Object.entries(graph.graph.nodes).filter(([, n]) => n.type === 'app').map(([name]) => name);
    expect(apps).toEqual(expect.arrayContaining(['gateway', 'identity', 'ingestion', 'ontology', 'analytics', 'audit']));
    const appToApp = apps.flatMap((app) => (graph.graph.dependencies[app] ?? []).filter((d) => apps.includes(d.target)).map((d) => `${app} → ${d.target}`));
    expect(appToApp).toEqual([]);
    expect(graph.graph.dependencies['gateway']?.map((d) => d.target)).toContain('gateway-feature');
  });
});
