import { actorFromClaims, hasRole } from './actor';
import { AuthException } from './auth.exception';
import { parsePurpose } from './purpose';

describe('actorFromClaims', () => {
  const base = { sub: 'u1', preferred_username: 'alice', azp: 'vigie-cli', tenant: 'alpha', roles: ['vigie-analyst'], clearance: 'DR', compartments: ['cyber'], exp: 1 };

  it('reads the Vigie claims', () => {
    expect(actorFromClaims(base, 'alpha')).toEqual({ tenant: 'alpha', subject: 'u1', username: 'alice', roles: ['vigie-analyst'], clearance: 'DR', compartments: ['cyber'], clientId: 'vigie-cli', kind: 'user', expiresAt: 1 });
  });

  it('defaults a missing clearance to NP and accepts single-valued claims', () => {
    const actor = actorFromClaims({ ...base, clearance: undefined, compartments: 'cyber', roles: undefined, realm_access: { roles: ['vigie-admin'] } }, 'alpha');
    expect(actor).toMatchObject({ clearance: 'NP', compartments: ['cyber'], roles: ['vigie-admin'] });
  });

  it('takes the tenant from the verified realm, never from a claim', () => {
    expect(() => actorFromClaims({ ...base, tenant: 'bravo' }, 'alpha')).toThrow(AuthException);
    expect(actorFromClaims({ ...base, tenant: undefined }, 'alpha').tenant).toBe('alpha');
  });

  it.each([
    [{ clearance: 'SECRET' }, 'clearance'],
    [{ compartments: ['Bad Name'] }, 'compartments'],
    [{ roles: [1, 2] }, 'roles'],
    [{ sub: '' }, 'subject'],
  ])('refuses %j', (claims, what) => {
    expect(() => actorFromClaims({ ...base, ...claims } as never, 'alpha')).toThrow(new RegExp(what));
  });

  it('recognises service accounts', () => {
    expect(actorFromClaims({ ...base, client_id: 'vigie-audit' }, 'alpha').kind).toBe('service');
    expect(actorFromClaims({ ...base, preferred_username: 'service-account-vigie-audit' }, 'alpha').kind).toBe('service');
    expect(hasRole(actorFromClaims(base, 'alpha'), 'vigie-analyst')).toBe(true);
  });
});

describe('parsePurpose', () => {
  it('parses the x-purpose header', () => {
    expect(parsePurpose(undefined)).toBeUndefined();
    expect(parsePurpose('{"caseRef":"C-1","justification":"enquiry"}')).toEqual({ caseRef: 'C-1', justification: 'enquiry' });
  });

  it.each([
    ['not json', 'is not JSON'],
    ['"text"', 'must be a JSON object'],
    ['{"caseRef":"","justification":"x"}', 'caseRef'],
    ['{"caseRef":"C-1"}', 'justification'],
  ])('refuses %s (400 naming the problem)', (raw, problem) => {
    try {
      parsePurpose(raw);
      throw new Error('accepted');
    } catch (error) {
      expect((error as { kind: string }).kind).toBe('invalid');
      expect((error as Error).message).toContain(problem);
    }
  });
});
