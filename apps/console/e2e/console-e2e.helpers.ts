import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { gatewayUrl, launcher } from '@vigie/shared-testing';

export const stack = launcher.loadStackEnv();

/**
 * Where the browser opens the console. Normally the gateway under test (port 3000, which the
 * realm's `vigie-console` client accepts as redirect URI). With CONSOLE_E2E_PROXY (a private
 * gateway, e.g. http://127.0.0.1:3300) Chromium reaches http://localhost:3000 through it.
 */
export const proxy = process.env['CONSOLE_E2E_PROXY'];
export const consoleOrigin = proxy ? 'http://localhost:3000' : gatewayUrl();
export const apiBase = proxy ?? gatewayUrl();
export const keycloakOrigin = new URL(stack['KEYCLOAK_URL'] ?? 'http://127.0.0.1:8080').origin;
export const screenshotDir = join(__dirname, '../../../test-output/console-e2e');

export const devPassword = (): string => readFileSync(join(stack['VIGIE_STATE_DIR'] ?? launcher.stateDir(), 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();

export const PURPOSE = { caseRef: 'CASE-CONSOLE-E2E', justification: 'console end-to-end test' };

/** A real access token of a seeded user (password grant of the `vigie-cli` test client). */
export async function tokenOf(realm: string, username: string): Promise<string> {
  const res = await fetch(`${stack['KEYCLOAK_URL']}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username, password: devPassword() }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`login ${username}@${realm} failed: HTTP ${res.status} ${body.error ?? ''}`);
  return body.access_token;
}

/** One gateway API call as a user, with the test's purpose. */
export async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${apiBase}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'x-purpose': JSON.stringify(PURPOSE), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Polls until `check` holds, or fails with the last value seen. */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await fn();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 300));
    last = await fn();
  }
  return last;
}

/** Headless Debian Chromium with the flags that keep it from calling outside hosts. */
export function launchChromium(): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'];
  if (proxy) args.push(`--proxy-server=${proxy}`, `--proxy-bypass-list=<-loopback>;${new URL(keycloakOrigin).host}`);
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', headless: true, args });
}

/** What the page did that it must not: requests outside the platform and Keycloak, CSP violations, script errors. */
export interface PageWatch {
  outside: string[];
  cspViolations: string[];
  errors: string[];
}

export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { outside: [], cspViolations: [], errors: [] };
  const allowed = new Set([new URL(consoleOrigin).origin, keycloakOrigin]);
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && !allowed.has(url.origin)) watch.outside.push(r.url());
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text())) watch.cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(String(e)));
  return watch;
}

/** Logs in through Keycloak's own login page, as a user would. */
export async function logIn(page: Page, realm: string, username: string): Promise<void> {
  await page.goto(`${consoleOrigin}/`);
  await page.locator('#login-realm').fill(realm);
  await page.locator('form.login-card button[type="submit"]').click();
  await page.waitForURL((url) => url.origin === keycloakOrigin, { timeout: 30_000 });
  await page.fill('#username', username);
  await page.fill('#password', devPassword());
  await page.click('#kc-login');
  await page.waitForURL((url) => url.origin === new URL(consoleOrigin).origin && !url.searchParams.has('code'), { timeout: 30_000 });
  await page.locator('#search-q').waitFor({ timeout: 30_000 });
}
