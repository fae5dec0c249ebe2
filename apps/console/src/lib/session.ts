import { ConsoleException, ConsoleExceptionCode } from './console.exception';
import { OidcClient, TokenSet, refreshDelayMs } from './oidc-client';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type Listener = () => void;

/**
 * The logged-in session: tokens in memory only (never in storage), refreshed with the
 * refresh token shortly before the access token expires; concurrent callers share one refresh.
 * When a refresh fails the session ends and `onEnded` listeners run.
 */
export class Session {
  private handle: unknown = null;
  private inflight: Promise<TokenSet> | null = null;
  private ended = false;
  private readonly changed = new Set<Listener>();
  private readonly endedListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly client: OidcClient,
    private current: TokenSet,
    private readonly timers: Timers = { setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms), clearTimeout: (h) => globalThis.clearTimeout(h as number) },
    private readonly now: () => number = Date.now,
  ) {
    this.schedule(this.now());
  }

  get tokens(): TokenSet {
    return this.current;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  onChange(listener: Listener): () => void {
    this.changed.add(listener);
    return () => this.changed.delete(listener);
  }

  onEnded(listener: (reason: string) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** A valid access token, refreshing first if it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.ended) throw new ConsoleException(ConsoleExceptionCode.REFRESH_FAILED, 'the session has ended; log in again');
    if (this.now() < this.current.expiresAt - 5_000) return this.current.accessToken;
    return (await this.refresh()).accessToken;
  }

  /** Refreshes now (one refresh at a time). */
  refresh(): Promise<TokenSet> {
    if (this.inflight) return this.inflight;
    const refreshToken = this.current.refreshToken;
    if (!refreshToken) {
      this.end('no refresh token');
      return Promise.reject(new ConsoleException(ConsoleExceptionCode.REFRESH_FAILED, 'no refresh token; log in again'));
    }
    const issuedAt = this.now();
    this.inflight = this.client
      .refresh(refreshToken)
      .then((tokens) => {
        // Keycloak may omit the ID token on refresh: keep the one from login for logout.
        this.current = { ...tokens, idToken: tokens.idToken ?? this.current.idToken };
        this.schedule(issuedAt);
        for (const listener of this.changed) listener();
        return this.current;
      })
      .catch((error: unknown) => {
        this.end(error instanceof Error ? error.message : String(error));
        throw error;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** Stops refreshing and returns Keycloak's logout URL to navigate to. */
  logout(): string {
    const url = this.client.logoutUrl(this.current.idToken);
    this.end('logged out');
    return url;
  }

  private schedule(issuedAt: number): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    if (!this.current.refreshToken) return;
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.refresh().catch(() => undefined);
    }, refreshDelayMs(this.current, this.now(), issuedAt));
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
    for (const listener of this.endedListeners) listener(reason);
  }
}
