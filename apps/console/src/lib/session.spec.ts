import { MemoryStore } from './memory-store';
import { OidcClient, TokenSet } from './oidc-client';
import { Session, Timers } from './session';

class FakeTimers implements Timers {
  pending: { fn: () => void; ms: number }[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { fn, ms };
    this.pending.push(entry);
    return entry;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p !== handle);
  }
}

const tokens = (n: number, now: number): TokenSet => ({ accessToken: `at${n}`, refreshToken: `rt${n}`, idToken: n === 0 ? 'idt' : null, expiresAt: now + 300_000, refreshExpiresAt: null });

function client(refresh: (rt: string) => Promise<TokenSet>): OidcClient {
  const c = new OidcClient({ keycloakUrl: 'http://kc', realm: 'alpha', clientId: 'vigie-console', redirectUri: 'http://c/', postLogoutRedirectUri: 'http://c/' }, { store: new MemoryStore(), fetch: (() => Promise.reject(new Error('no network'))) as typeof fetch });
  c.refresh = refresh;
  return c;
}

describe('Session', () => {
  it('schedules a refresh before expiry, rotates the tokens and keeps the login ID token', async () => {
    let now = 0;
    const timers = new FakeTimers();
    const seen: string[] = [];
    const session = new Session(client(async (rt) => (seen.push(rt), tokens(seen.length, now))), tokens(0, 0), timers, () => now);
    expect(timers.pending.map((p) => p.ms)).toEqual([240_000]);
    now = 240_000;
    timers.pending.shift()!.fn();
    // The timer started the refresh; refresh() joins the one in flight.
    await session.refresh();
    await expect(session.accessToken()).resolves.toBe('at1');
    expect(seen).toEqual(['rt0']);
    expect(session.tokens.idToken).toBe('idt');
    expect(timers.pending).toHaveLength(1);
  });

  it('shares one refresh between concurrent callers of an expired token', async () => {
    let now = 0;
    let calls = 0;
    const session = new Session(client(async () => (calls++, tokens(1, now))), tokens(0, 0), new FakeTimers(), () => now);
    now = 299_000;
    expect(await Promise.all([session.accessToken(), session.accessToken()])).toEqual(['at1', 'at1']);
    expect(calls).toBe(1);
  });

  it('ends when the refresh fails and refuses tokens afterwards', async () => {
    let now = 0;
    const ended: string[] = [];
    const session = new Session(client(() => Promise.reject(new Error('invalid_grant'))), tokens(0, 0), new FakeTimers(), () => now);
    session.onEnded((reason) => ended.push(reason));
    now = 300_000;
    await expect(session.accessToken()).rejects.toThrow('invalid_grant');
    expect(ended).toEqual(['invalid_grant']);
    await expect(session.accessToken()).rejects.toThrow('log in again');
  });

  it('logout stops refreshing and returns the end-session URL', () => {
    const timers = new FakeTimers();
    const session = new Session(client(async () => tokens(1, 0)), tokens(0, 0), timers, () => 0);
    expect(session.logout()).toContain('id_token_hint=idt');
    expect(timers.pending).toHaveLength(0);
    expect(session.isEnded).toBe(true);
  });
});
