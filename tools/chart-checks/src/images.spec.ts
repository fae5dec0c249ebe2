import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerfileViolations, imageReferenceProblem } from './lib/dockerfile-lint';
import { type CdxBom, expressionAllowed, licenceViolations } from './lib/licence-policy';
import { workspaceRoot } from './lib/tools';

describe('image Dockerfile', () => {
  const dockerfile = readFileSync(join(workspaceRoot, 'docker/Dockerfile'), 'utf8');

  it('is multi-stage, pins its base images, runs as a numeric non-root user and has no shell step at run time', () => {
    expect(dockerfileViolations(dockerfile)).toEqual([]);
  });

  it('puts the console build in the gateway image where the chart points CONSOLE_DIR', () => {
    const values = readFileSync(join(workspaceRoot, 'charts/vigie/values.yaml'), 'utf8');
    const dir = /console:\n(?:\s+#.*\n)*\s+dir: (\S+)/.exec(values)?.[1];
    expect(dir).toBe('/app/console');
    expect(dockerfile).toMatch(/COPY dist\/apps\/ \/build\//);
    expect(dockerfile).toMatch(/"\$\{SERVICE\}" = gateway[^\n]*cp -r \/build\/console \/app\/console/);
  });

  it('the lint catches latest or missing tags, a named or root user, RUN in the runtime stage and shell-form entrypoints', () => {
    const bad = [
      'ARG BASE=node',
      'FROM ${BASE} AS build',
      'RUN npm ci',
      'FROM gcr.io/distroless/nodejs22-debian12:latest',
      'COPY --from=build --chown=node:node /app /app',
      'RUN echo hi',
      'USER node',
      'ENTRYPOINT node main.js',
      'ADD https://example.org/x.tgz /x',
    ].join('\n');
    const v = dockerfileViolations(bad).join('\n');
    for (const problem of ['node has no tag', 'latest', 'not numeric', 'RUN in the runtime stage', 'exec (JSON) form', '--chown must be numeric', 'ADD from a URL']) {
      expect(v).toContain(problem);
    }
    expect(dockerfileViolations('FROM node:22.1.0\nUSER 0\nENTRYPOINT ["node"]').join('\n')).toMatch(/multi-stage[\s\S]*USER 0 is root/);
    expect(imageReferenceProblem(`r/x@sha256:${'0'.repeat(64)}`)).toBeUndefined();
    expect(imageReferenceProblem('node:22')).toContain('major version');
  });

  it('sends only the services\' webpack output to the build context', () => {
    const ignore = readFileSync(join(workspaceRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toContain('*');
    expect(ignore).toContain('!dist/apps/');
  });
});

describe('licences of the production dependencies', () => {
  let bom: CdxBom;

  beforeAll(() => {
    const out = join(mkdtempSync(join(tmpdir(), 'vigie-sbom-')), 'vigie.cdx.json');
    execFileSync(
      process.execPath,
      [join(workspaceRoot, 'node_modules/@cyclonedx/cyclonedx-npm/bin/cyclonedx-npm-cli.js'), '--omit', 'dev', '--flatten-components', '--output-format', 'JSON', '--output-file', out],
      { cwd: workspaceRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    bom = JSON.parse(readFileSync(out, 'utf8')) as CdxBom;
  });

  it('produce a CycloneDX SBOM of the production dependencies only', () => {
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata?.component?.name).toBe('vigie');
    const names = (bom.components ?? []).map((c) => (c.group ? `${c.group}/${c.name}` : c.name));
    expect(names).toEqual(expect.arrayContaining(['nats', '@nestjs/core']));
    expect(names).not.toContain('jest');
    expect(names).not.toContain('typescript');
  });

  it('are all open-source licences from the allow-list (EUPL-1.2 for Vigie itself)', () => {
    expect(bom.metadata?.component?.licenses?.[0]?.license?.id).toBe('EUPL-1.2');
    expect(licenceViolations(bom)).toEqual([]);
  });

  it('the licence check fails on a proprietary, unknown or missing licence', () => {
    expect(expressionAllowed('(MIT OR CC0-1.0)')).toBe(true);
    expect(expressionAllowed('MIT AND BUSL-1.1')).toBe(false);
    expect(expressionAllowed('SSPL-1.0 OR Elastic-2.0')).toBe(false);
    const bad: CdxBom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { name: 'closed', version: '1.0.0', licenses: [{ license: { id: 'BUSL-1.1' } }] },
        { name: 'unknown', version: '1.0.0', licenses: [{ license: { name: 'SEE LICENSE IN LICENSE.txt' } }] },
        { name: 'none', version: '1.0.0' },
      ],
    };
    expect(licenceViolations(bad)).toEqual([
      expect.stringContaining('closed@1.0.0: licence BUSL-1.1'),
      expect.stringContaining('unknown@1.0.0: licence "SEE LICENSE'),
      expect.stringContaining('none@1.0.0: no licence'),
    ]);
  });
});
