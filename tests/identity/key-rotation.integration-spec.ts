import type { NatsConnection } from 'nats';
import { decodeProtectedHeader } from 'jose';
import { launcher } from '@vigie/shared-testing';
import { api, connectSetup, kcAdmin, KEYCLOAK_URL, login, natsVerifier, sleep } from './identity-test.helpers';
import { addKeyProvider, KeyComponent, keyComponents, KEYTEST, realmKeys } from './keytest-realm';

const ROTATED = 'tests-rotated-rsa';

describe('key rotation while the services run', () => {
  let nc: NatsConnection;
  let previous: KeyComponent[] = [];

  beforeAll(async () => {
    nc = await connectSetup();
    // Start from the realm's own key, enabled (an interrupted earlier run may have left it off,
    // and Keycloak then adds a "fallback" key of its own).
    previous = (await keyComponents()).filter((c) => c.providerId === 'rsa-generated' && c.name === 'rsa-generated');
    expect(previous).toHaveLength(1);
    await setEnabled(previous, true);
    await removeRotated();
    for (const c of (await keyComponents()).filter((c) => c.name.startsWith('fallback-'))) await kcAdmin(`/${KEYTEST}/components/${c.id}`, { method: 'DELETE' });
  });

  afterAll(async () => {
    // Restore: the realm's own key enabled again, the rotated one gone.
    await setEnabled(previous, true);
    await removeRotated();
    await nc?.drain();
  });

  it('a new active key replaces a disabled old one; new tokens verify without restarting anything', async () => {
    const gatewayPid = launcher.runningPid('gateway');
    const identityPid = launcher.runningPid('identity');
    const verifier = natsVerifier(nc);

    const before = (await login(KEYTEST, 'keytest-user')).access_token;
    const oldKid = decodeProtectedHeader(before).kid;
    expect((await api('/auth/me', { token: before })).status).toBe(200);
    expect((await verifier.verify(before)).actor.username).toBe('keytest-user');

    const rotatedId = await addKeyProvider(ROTATED, { priority: ['1000'], enabled: ['true'], active: ['true'], algorithm: ['RS256'], keySize: ['2048'] }, 'rsa-generated');
    await setEnabled(previous, false);
    const newKid = (await realmKeys()).find((k) => k.providerId === rotatedId)!.kid;
    expect(newKid).not.toBe(oldKid);
    const published = (await (await fetch(`${KEYCLOAK_URL}/realms/${KEYTEST}/protocol/openid-connect/certs`)).json()) as { keys: { kid: string }[] };
    expect(published.keys.map((k) => k.kid)).toContain(newKid);
    expect(published.keys.map((k) => k.kid)).not.toContain(oldKid);

    await sleep(1100); // the per-realm refetch limiter (JWKS_REFETCH_MIN_INTERVAL_MS = 1 s)
    const after = (await login(KEYTEST, 'keytest-user')).access_token;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    const me = await api<{ username: string; tenant: string }>('/auth/me', { token: after });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ tenant: KEYTEST, username: 'keytest-user' });
    // A NATS service's verifier (keys from identity) follows the rotation too.
    expect((await verifier.verify(after)).actor.username).toBe('keytest-user');

    expect(launcher.runningPid('gateway')).toBe(gatewayPid);
    expect(launcher.runningPid('identity')).toBe(identityPid);
  });
});

async function removeRotated(): Promise<void> {
  for (const c of (await keyComponents()).filter((c) => c.name === ROTATED)) await kcAdmin(`/${KEYTEST}/components/${c.id}`, { method: 'DELETE' });
}

async function setEnabled(components: KeyComponent[], on: boolean): Promise<void> {
  const flag = [String(on)];
  for (const c of components) {
    const res = await kcAdmin(`/${KEYTEST}/components/${c.id}`, { method: 'PUT', body: { ...c, config: { ...c.config, enabled: flag, active: flag } } });
    expect(res.status).toBe(204);
  }
}
