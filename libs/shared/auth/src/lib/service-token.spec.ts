import { SignJWT } from 'jose';
import { currentCaller, runWithCaller } from '@vigie/shared-messaging';
import { NatsServiceTokenSource, runAsService, ServiceTokenRequester } from './service-token';

async function token(expiresInSeconds: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(new TextEncoder().encode('x'.repeat(32)));
}

describe('NatsServiceTokenSource', () => {
  it('asks identity once per realm while the token is fresh, without forwarding the caller token', async () => {
    const calls: { realm: string; authorization?: string }[] = [];
    const requester: ServiceTokenRequester = {
      request: async (_contract, payload) => {
        calls.push({ realm: payload.realm, authorization: currentCaller()?.authorization });
        return { accessToken: await token(300), expiresIn: 300 };
      },
    };
    const source = new NatsServiceTokenSource(requester, { clientId: 'vigie-audit', clientSecret: 's' });
    const first = await runWithCaller({ authorization: 'Bearer user-token' }, () => source.token('alpha'));
    expect(await source.token('alpha')).toBe(first);
    await source.token('bravo');
    expect(calls).toEqual([{ realm: 'alpha', authorization: undefined }, { realm: 'bravo', authorization: undefined }]);
  });

  it('renews a token close to expiry', async () => {
    let n = 0;
    const source = new NatsServiceTokenSource({ request: async () => (n++, { accessToken: await token(2), expiresIn: 2 }) }, { clientId: 'c', clientSecret: 's' });
    await source.token('alpha');
    await source.token('alpha');
    expect(n).toBe(2);
  });

  it('runAsService runs the work with the service token as the forwarded one', async () => {
    const seen = await runAsService({ token: async () => 'svc' }, 'alpha', async () => currentCaller()?.authorization);
    expect(seen).toBe('Bearer svc');
  });
});
