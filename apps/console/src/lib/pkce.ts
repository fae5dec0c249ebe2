/** RFC 7636 PKCE with the browser's WebCrypto (S256 only; `plain` is never used). */

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** Base64url without padding (RFC 4648 §5). */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random string of `length` unreserved characters (43–128 for a code verifier). */
export function randomString(length: number, crypto: Crypto = globalThis.crypto): string {
  if (!Number.isInteger(length) || length < 16 || length > 128) throw new RangeError(`random string length must be an integer in 16..128, got ${length}`);
  // 256 is a multiple of 64 but not of 66: reject bytes ≥ 198 (3 × 66) to keep the draw uniform.
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < 198 && out.length < length) out.push(UNRESERVED[byte % 66]);
    }
  }
  return out.join('');
}

export function createCodeVerifier(crypto: Crypto = globalThis.crypto): string {
  return randomString(64, crypto);
}

/** `BASE64URL(SHA-256(ASCII(verifier)))`. */
export async function codeChallengeS256(verifier: string, crypto: Crypto = globalThis.crypto): Promise<string> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new Error('PKCE code verifier must be 43–128 unreserved characters');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}
