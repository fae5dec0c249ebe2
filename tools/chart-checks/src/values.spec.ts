import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { chartDir, helm } from './lib/render';
import { schemaDrift, undocumentedValues, type ValuesSchema } from './lib/values-schema';

const valuesText = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
const values = parse(valuesText) as Record<string, unknown>;
const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as ValuesSchema;

describe('values.yaml and values.schema.json', () => {
  it('declare the same values', () => {
    expect(schemaDrift(schema, values)).toEqual({ notInSchema: [], notInValues: [] });
  });

  it('document every value with a "# --" comment', () => {
    expect(undocumentedValues(schema, values, valuesText)).toEqual([]);
  });

  it('the drift and documentation checks notice a missing value and a missing comment', () => {
    const withExtra = { ...values, surprise: 1 };
    expect(schemaDrift(schema, withExtra).notInSchema).toEqual(['surprise']);
    const undocumented = valuesText.replace('# -- Log level of every service (fatal, error, warn, info, debug, trace, silent).\n', '');
    expect(undocumentedValues(schema, values, undocumented)).toEqual(['config.logLevel']);
  });
});

describe('the chart refuses invalid values', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-values-'));
  const render = (name: string, yamlText: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yamlText);
    return helm(['template', 'vigie', chartDir, '-f', file]);
  };

  it.each([
    ['a latest tag', 'image:\n  tag: latest\n', /latest|not/i],
    ['a latest tag on one service', 'services:\n  gateway:\n    image:\n      tag: latest\n', /latest|not/i],
    ['an unknown key (typo)', 'services:\n  gateway:\n    replicas: 3\n', /replicas|additional/i],
    ['privilege escalation', 'containerSecurityContext:\n  allowPrivilegeEscalation: true\n', /allowPrivilegeEscalation|const|true/i],
    ['root pods', 'podSecurityContext:\n  runAsNonRoot: false\n', /runAsNonRoot|const/i],
    ['a writable root filesystem', 'containerSecurityContext:\n  readOnlyRootFilesystem: false\n', /readOnlyRootFilesystem|const/i],
    ['a service without resources', 'services:\n  audit:\n    resources: null\n', /resources|required/i],
    ['a bad log level', 'config:\n  logLevel: verbose\n', /logLevel|enum|must be one of/i],
    ['a non-NATS URL', 'nats:\n  url: http://nats:4222\n', /url|pattern|match/i],
    ['a bad schema name', 'postgresql:\n  schemas:\n    audit: Audit-Log\n', /audit|pattern|match/i],
    ['a bad digest', 'services:\n  identity:\n    image:\n      digest: sha256:xyz\n', /digest|pattern|match/i],
    ['a string replica count', 'services:\n  ontology:\n    replicaCount: two\n', /replicaCount|integer/i],
  ])('refuses %s', (name, yamlText, message) => {
    const result = render(name.replace(/\W+/g, '-'), yamlText);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/schema/i);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['an Ingress without a TLS secret', 'ingress:\n  tls:\n    secretName: ""\n', /ingress.tls.secretName is required/],
    ['both an Ingress and an HTTPRoute', 'httpRoute:\n  enabled: true\n  parentRefs: [{ name: gw, sectionName: https }]\n', /not both/],
    ['an HTTPRoute not bound to an HTTPS listener', 'ingress:\n  enabled: false\nhttpRoute:\n  enabled: true\n  parentRefs: [{ name: gw }]\n', /sectionName is required/],
  ])('refuses %s', (name, yamlText, message) => {
    const result = render(name.replace(/\W+/g, '-'), yamlText);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(message);
  });
});
