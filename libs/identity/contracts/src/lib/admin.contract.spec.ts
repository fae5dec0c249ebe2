import { identityClearanceSet, identityUserCreate, identityUserList, IdentityException, IdentityExceptionCode } from '../index';

describe('identity administration contracts', () => {
  const user = { tenant: 'alpha', username: 'j.martin', email: 'j@alpha.test', firstName: 'J', lastName: 'M' };

  it('defaults a new user to NP, no compartments, roles or groups, enabled', () => {
    expect(identityUserCreate.request.parse(user)).toMatchObject({ clearance: 'NP', compartments: [], roles: [], groups: [], enabled: true });
  });

  it.each([
    [{ ...user, clearance: 'SECRET' }, 'clearance'],
    [{ ...user, roles: ['vigie-admin', 'vigie-admin'] }, 'roles'],
    [{ ...user, roles: ['root'] }, 'roles'],
    [{ ...user, compartments: ['Op Saphir'] }, 'compartments'],
    [{ ...user, username: 'A' }, 'username'],
    [{ ...user, temporaryPassword: 'short' }, 'temporaryPassword'],
    [{ ...user, tenant: '../master' }, 'tenant'],
    [{ ...user, isAdmin: true }, ''],
  ])('refuses %j (field %s)', (input, field) => {
    const result = identityUserCreate.request.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success && field) expect(result.error.issues.map((i) => String(i.path[0]))).toContain(field);
  });

  it('bounds list pages and keeps clearance changes explicit', () => {
    expect(identityUserList.request.parse({ tenant: 'alpha' })).toEqual({ tenant: 'alpha', first: 0, max: 50 });
    expect(identityUserList.request.safeParse({ tenant: 'alpha', max: 1000 }).success).toBe(false);
    expect(identityClearanceSet.request.safeParse({ tenant: 'alpha', userId: 'abc-1', compartments: [] }).success).toBe(false);
  });

  it('maps each exception code to its HTTP kind', () => {
    expect(new IdentityException(IdentityExceptionCode.TenantMismatch, 'x').kind).toBe('forbidden');
    expect(new IdentityException(IdentityExceptionCode.UserNotFound, 'x').kind).toBe('not_found');
    expect(new IdentityException(IdentityExceptionCode.UsernameTaken, 'x').kind).toBe('conflict');
    expect(new IdentityException(IdentityExceptionCode.UnknownCompartment, 'x').kind).toBe('invalid');
    expect(new IdentityException(IdentityExceptionCode.KeycloakUnavailable, 'x').kind).toBe('unavailable');
  });
});
