import { can, canSee, decide, hasPermission, PolicyAction, PolicyActionName, ROLE_GRANTS, VIGIE_ROLES, VigieRole } from './can';
import { CLASSIFICATION_LEVELS, ClassificationLevel, levelRank, levelsUpTo } from './markings';

const UNIVERSE = ['op-saphir', 'op-rubis', 'cyber'];
/** Every subset of the compartment universe, as bit masks 0..7. */
const SUBSETS = Array.from({ length: 1 << UNIVERSE.length }, (_, mask) => ({ mask, list: UNIVERSE.filter((_, i) => mask & (1 << i)) }));
const TENANTS = ['alpha', 'bravo'];

describe('need-to-know: every clearance × level × compartment subsets × tenant', () => {
  const cases: [ClassificationLevel, number, ClassificationLevel, number, string][] = [];
  for (const clearance of CLASSIFICATION_LEVELS)
    for (const held of SUBSETS)
      for (const level of CLASSIFICATION_LEVELS)
        for (const required of SUBSETS) for (const tenant of TENANTS) cases.push([clearance, held.mask, level, required.mask, tenant]);

  it('covers 4 × 8 × 4 × 8 × 2 combinations', () => {
    expect(cases).toHaveLength(2048);
  });

  it.each(CLASSIFICATION_LEVELS)('agrees with the bit-mask oracle for clearance %s', (clearance) => {
    let allowed = 0;
    for (const [c, heldMask, level, requiredMask, tenant] of cases.filter(([c]) => c === clearance)) {
      const actor = { tenant: 'alpha', roles: [VigieRole.Analyst], clearance: c, compartments: SUBSETS[heldMask].list };
      const resource = { tenant, level, compartments: SUBSETS[requiredMask].list };
      // Independent oracle: numeric order of the French levels, subset by bit masks.
      const order: Record<string, number> = { NP: 1, DR: 2, S: 3, TS: 4 };
      const expected = tenant === 'alpha' && order[c] >= order[level] && (requiredMask & ~heldMask) === 0;
      expect({ c, heldMask, level, requiredMask, tenant, got: can(actor, PolicyAction.Read, resource) }).toEqual({ c, heldMask, level, requiredMask, tenant, got: expected });
      expect(canSee(actor, resource)).toBe(expected);
      if (expected) allowed++;
    }
    // Sanity of the table itself: the higher the clearance, the more is visible.
    expect(allowed).toBe((levelRank(clearance) + 1) * 27 * 1); // Σ over held of 2^|held| = 3^3 = 27 per level
  });
});

describe('decide', () => {
  const analyst = { tenant: 'alpha', roles: [VigieRole.Analyst], clearance: 'S' as const, compartments: ['cyber'] };

  it('names the first failed rule, tenant first', () => {
    expect(decide(analyst, PolicyAction.Read, { tenant: 'bravo', level: 'NP', compartments: [] })).toMatchObject({ allowed: false, reason: 'TENANT_MISMATCH' });
    expect(decide(analyst, PolicyAction.Administer, { tenant: 'alpha', level: 'NP', compartments: [] })).toMatchObject({ allowed: false, reason: 'ROLE_MISSING' });
    expect(decide(analyst, PolicyAction.Read, { tenant: 'alpha', level: 'TS', compartments: [] })).toMatchObject({ allowed: false, reason: 'CLEARANCE_TOO_LOW' });
    const missing = decide(analyst, PolicyAction.Read, { tenant: 'alpha', level: 'DR', compartments: ['cyber', 'op-rubis'] });
    expect(missing).toMatchObject({ allowed: false, reason: 'COMPARTMENT_MISSING' });
    expect(missing.allowed ? '' : missing.message).toContain('op-rubis');
    expect(decide(analyst, PolicyAction.Read, { tenant: 'alpha', level: 'S', compartments: ['cyber'] })).toEqual({ allowed: true });
  });

  it('refuses an unknown level instead of ranking it as NP', () => {
    expect(() => can(analyst, PolicyAction.Read, { tenant: 'alpha', level: 'SECRET' as ClassificationLevel, compartments: [] })).toThrow(/Unknown classification level "SECRET"/);
  });
});

describe('role grants', () => {
  const table: [PolicyActionName, string[]][] = [
    [PolicyAction.Read, ['vigie-analyst', 'vigie-supervisor']],
    [PolicyAction.Write, ['vigie-analyst', 'vigie-ingest']],
    [PolicyAction.Export, ['vigie-analyst', 'vigie-supervisor']],
    [PolicyAction.Ingest, ['vigie-analyst', 'vigie-ingest']],
    [PolicyAction.AuditRead, ['vigie-auditor', 'vigie-supervisor']],
    [PolicyAction.Administer, ['vigie-admin']],
  ];
  it.each(table)('%s is granted exactly to %j', (action, roles) => {
    for (const role of VIGIE_ROLES) expect([role, hasPermission({ roles: [role] }, action)]).toEqual([role, roles.includes(role)]);
    expect([...ROLE_GRANTS[action]].sort()).toEqual([...roles].sort());
  });

  it('grants nothing without a Vigie role', () => {
    for (const [action] of table) expect(hasPermission({ roles: ['offline_access', 'uma_authorization'] }, action)).toBe(false);
  });
});

describe('levelsUpTo', () => {
  it('lists the visible levels lowest first', () => {
    expect(levelsUpTo('NP')).toEqual(['NP']);
    expect(levelsUpTo('S')).toEqual(['NP', 'DR', 'S']);
    expect(levelsUpTo('TS')).toEqual(['NP', 'DR', 'S', 'TS']);
  });
});
