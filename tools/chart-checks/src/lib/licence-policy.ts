/**
 * Licence policy over a CycloneDX SBOM of the production dependencies: every component must carry
 * an OSI-approved open-source licence from the allow-list (SPDX ids; OR-expressions need one allowed
 * alternative, AND-expressions need all). Unknown or missing licences fail.
 */

/** OSI-approved licences accepted for code shipped in the images. */
export const ALLOWED_LICENCES = new Set([
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'EUPL-1.2',
  'ISC',
  'MIT',
  'MIT-0',
  'MPL-2.0',
  'Python-2.0',
  'Unlicense',
  'Zlib',
]);

interface CdxLicence {
  license?: { id?: string; name?: string };
  expression?: string;
}

export interface CdxComponent {
  name: string;
  version?: string;
  group?: string;
  licenses?: CdxLicence[];
}

export interface CdxBom {
  bomFormat: string;
  specVersion: string;
  metadata?: { component?: CdxComponent };
  components?: CdxComponent[];
}

/** Whether an SPDX expression (ids, AND, OR, parentheses, WITH exceptions) is satisfied by the allow-list. */
export function expressionAllowed(expression: string, allowed: Set<string> = ALLOWED_LICENCES): boolean {
  const tokens = expression.replace(/[()]/g, (p) => ` ${p} `).trim().split(/\s+/);
  let pos = 0;
  const primary = (): boolean => {
    const t = tokens[pos++];
    if (t === '(') {
      const r = or();
      pos++; // ')'
      return r;
    }
    let ok = t !== undefined && allowed.has(t.replace(/\+$/, ''));
    if (tokens[pos] === 'WITH') {
      pos += 2;
      ok = ok && true;
    }
    return ok;
  };
  const and = (): boolean => {
    let r = primary();
    while (tokens[pos] === 'AND') {
      pos++;
      r = primary() && r;
    }
    return r;
  };
  const or = (): boolean => {
    let r = and();
    while (tokens[pos] === 'OR') {
      pos++;
      r = and() || r;
    }
    return r;
  };
  const result = or();
  return result && pos === tokens.length;
}

const label = (c: CdxComponent) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version ?? '?'}`;

/** Components whose licences are missing, unknown or not allowed. */
export function licenceViolations(bom: CdxBom, allowed: Set<string> = ALLOWED_LICENCES): string[] {
  if (bom.bomFormat !== 'CycloneDX') return ['not a CycloneDX SBOM'];
  const v: string[] = [];
  const components = [...(bom.metadata?.component ? [bom.metadata.component] : []), ...(bom.components ?? [])];
  for (const c of components) {
    const licences = c.licenses ?? [];
    if (licences.length === 0) {
      v.push(`${label(c)}: no licence declared`);
      continue;
    }
    // Several entries in "licenses" all apply to the component.
    for (const l of licences) {
      const expression = l.expression ?? l.license?.id;
      if (!expression) v.push(`${label(c)}: licence "${l.license?.name ?? '?'}" is not an SPDX id`);
      else if (!expressionAllowed(expression, allowed)) v.push(`${label(c)}: licence ${expression} is not on the allow-list`);
    }
  }
  return v;
}
