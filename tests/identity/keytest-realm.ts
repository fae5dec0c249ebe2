import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, KeyLike, SignJWT } from 'jose';
import { KEYCLOAK_URL, kcAdmin } from './identity-test.helpers';

export const KEYTEST = 'keytest';
export const KEYTEST_ISSUER = `${KEYCLOAK_URL}/realms/${KEYTEST}`;
const IMPORTED_KEY_NAME = 'tests-imported-rsa';

export interface KeyComponent {
  id: string;
  name: string;
  providerId: string;
  parentId?: string;
  providerType?: string;
  config: Record<string, string[]>;
}

interface RealmKey {
  kid: string;
  providerId: string;
  algorithm: string;
  status: string;
  use?: string;
  publicKey?: string;
}

export async function keyComponents(realm = KEYTEST): Promise<KeyComponent[]> {
  return (await kcAdmin<KeyComponent[]>(`/${realm}/components?type=org.keycloak.keys.KeyProvider`)).body;
}

export async function realmKeys(realm = KEYTEST): Promise<RealmKey[]> {
  return (await kcAdmin<{ keys: RealmKey[] }>(`/${realm}/keys`)).body.keys;
}

export async function realmId(realm = KEYTEST): Promise<string> {
  return (await kcAdmin<{ id: string }>(`/${realm}`)).body.id;
}

/** Adds an RSA key provider to the realm and returns its component id. */
export async function addKeyProvider(name: string, config: Record<string, string[]>, providerId: string, realm = KEYTEST): Promise<string> {
  const res = await kcAdmin(`/${realm}/components`, {
    method: 'POST',
    body: { name, providerId, providerType: 'org.keycloak.keys.KeyProvider', parentId: await realmId(realm), config },
  });
  if (res.status !== 201) throw new Error(`adding key provider ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.headers.get('location')!.split('/').pop()!;
}

/**
 * The keytest tenant (reconciled from the test fixtures) with one more signing key: an RSA key
 * generated here and imported into Keycloak at low priority (Keycloak keeps signing with its own
 * key, but publishes ours in the JWKS). Holding its private half, the tests forge tokens that are
 * correctly signed by a key of the realm yet expired, not yet valid, for another audience…
 */
export async function prepareKeytest(): Promise<{ privateKey: KeyLike; kid: string; sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string> }> {
  for (const c of (await keyComponents()).filter((c) => c.name === IMPORTED_KEY_NAME)) await kcAdmin(`/${KEYTEST}/components/${c.id}`, { method: 'DELETE' });
  const { privateKey: pem } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const componentId = await addKeyProvider(IMPORTED_KEY_NAME, { priority: ['10'], enabled: ['true'], active: ['true'], algorithm: ['RS256'], privateKey: [pem] }, 'rsa');
  const kid = (await realmKeys()).find((k) => k.providerId === componentId)?.kid;
  if (!kid) throw new Error('the imported key is not listed among the realm keys');
  const privateKey = await importPKCS8(pem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT({
      iss: KEYTEST_ISSUER,
      aud: ['vigie-gateway', 'account'],
      sub: 'forged-subject',
      typ: 'Bearer',
      azp: 'vigie-cli',
      iat: now - 10,
      exp: now + 300,
      tenant: KEYTEST,
      roles: ['vigie-analyst'],
      clearance: 'S',
      compartments: ['op-test'],
      preferred_username: 'forged',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, ...header })
      .sign(privateKey);
  return { privateKey, kid, sign };
}

export async function removeImportedKey(): Promise<void> {
  for (const c of (await keyComponents()).filter((c) => c.name === IMPORTED_KEY_NAME)) await kcAdmin(`/${KEYTEST}/components/${c.id}`, { method: 'DELETE' });
}
