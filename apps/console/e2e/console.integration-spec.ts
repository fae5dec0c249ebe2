import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Browser, BrowserContext } from 'playwright-core';
import { call, consoleOrigin, eventually, launchChromium, logIn, screenshotDir, tokenOf, watchPage } from './console-e2e.helpers';

/**
 * The console in a real browser against the running platform: log in through Keycloak's page
 * (code + PKCE), search, open an object; the banner shows what is on screen; no request leaves
 * the platform and Keycloak; no CSP violation. Screenshots go to test-output/console-e2e/.
 */
const suffix = () => Array.from(randomBytes(8), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('');
const sfx = suffix();
// A second suffix, so that fuzzy matching never brings one object into the other's search.
const secretName = `Sabine Corvex${suffix()}`;
const fullName = `Quentin Marlow${sfx}`;

interface SearchResponse {
  total: number;
  items: { id: string }[];
}

let browser: Browser;
let context: BrowserContext;
let writerToken: string;
let objectId: string;
let secretId: string;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  writerToken = await tokenOf('alpha', 'alpha-ts');
  const created = await call<{ id: string }>('POST', '/objects', writerToken, {
    type: 'Person',
    properties: { fullName, familyName: `Marlow${sfx}`, givenName: 'Quentin' },
    markings: { level: 'DR', compartments: ['cyber'] },
    provenance: { source: `console-e2e-${sfx}` },
  });
  if (created.status !== 201) throw new Error(`creating the test object failed: ${created.status} ${JSON.stringify(created.body)}`);
  objectId = created.body.id;
  const secret = await call<{ id: string }>('POST', '/objects', writerToken, {
    type: 'Person',
    properties: { fullName: secretName },
    markings: { level: 'S', compartments: ['op-saphir'] },
    provenance: { source: `console-e2e-${sfx}` },
  });
  if (secret.status !== 201) throw new Error(`creating the secret test object failed: ${secret.status} ${JSON.stringify(secret.body)}`);
  secretId = secret.body.id;
  await eventually(
    () => call<SearchResponse>('POST', '/search', writerToken, { q: `Marlow${sfx}` }),
    (r) => r.status === 200 && r.body.items.some((i) => i.id === objectId),
    60_000,
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  for (const id of [objectId, secretId]) if (id) await call('DELETE', `/objects/${id}`, writerToken);
});

describe('console in a browser', () => {
  it('logs in through Keycloak, searches, opens the object; banner, purpose header, no outside request, no CSP violation', async () => {
    context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const watch = watchPage(page);
    const purposes: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/search')) purposes.push(r.headers()['x-purpose'] ?? '');
    });

    await logIn(page, 'alpha', 'alpha-ts');
    await expect(page.locator('.app-header .user').innerText()).resolves.toContain('alpha-ts');
    await expect(page.locator('.banner-top').innerText()).resolves.toContain('NON PROTÉGÉ');
    await page.screenshot({ path: join(screenshotDir, 'shell.png') });

    // State a purpose for a case: it goes with every API call.
    await page.getByRole('button', { name: 'State a purpose' }).click();
    await page.locator('#purpose-case').fill('CASE-E2E-1');
    await page.locator('#purpose-justification').fill('end-to-end test of the console');
    await page.locator('.purpose-dialog button[type="submit"]').click();
    await expect(page.getByRole('button', { name: 'Purpose: CASE-E2E-1' }).isVisible()).resolves.toBe(true);

    await page.locator('#search-q').fill(`Marlow${sfx}`);
    await page.locator('.search-form button[type="submit"]').click();
    const hit = page.locator('.hits a', { hasText: fullName });
    await hit.waitFor({ timeout: 30_000 });
    await expect(page.locator('.hits mark').first().innerText()).resolves.toContain(`Marlow${sfx}`);
    // The banners follow what is displayed (updated right after the hits render).
    await page.locator('.banner-top', { hasText: 'DIFFUSION RESTREINTE (RESTRICTED) // CYBER' }).waitFor({ timeout: 5_000 });
    await expect(page.locator('.banner-bottom').innerText()).resolves.toBe('DIFFUSION RESTREINTE (RESTRICTED) // CYBER');
    await expect(page.locator('.hits .badge').first().innerText()).resolves.toContain('DR');
    expect(new URL(page.url()).searchParams.get('q')).toBe(`Marlow${sfx}`);
    expect(JSON.parse(purposes[purposes.length - 1])).toEqual({ caseRef: 'CASE-E2E-1', justification: 'end-to-end test of the console' });
    await page.screenshot({ path: join(screenshotDir, 'search.png'), fullPage: true });

    await hit.click();
    await page.locator('#object-title').waitFor();
    expect(page.url()).toBe(`${consoleOrigin}/objects/${objectId}`);
    await expect(page.locator('#object-title').innerText()).resolves.toBe(fullName);
    await expect(page.locator('table').first().innerText()).resolves.toContain(`Marlow${sfx}`);
    await page.locator('#history-title ~ table').waitFor();
    await page.locator('.banner-top', { hasText: 'CYBER' }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(screenshotDir, 'object.png'), fullPage: true });

    // French, and a reload keeps the client route (the gateway's SPA fallback + SSO re-login).
    await page.getByRole('button', { name: 'Passer en français' }).click();
    await expect(page.locator('nav').innerText()).resolves.toContain('Recherche');
    await page.reload();
    await page.locator('#object-title').waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(`${consoleOrigin}/objects/${objectId}`);

    expect(watch).toEqual({ outside: [], cspViolations: [], errors: [] });
  });

  it('shows protected data only once a purpose is stated, and hides it from a user without clearance', async () => {
    await eventually(
      () => call<SearchResponse>('POST', '/search', writerToken, { q: secretName }),
      (r) => r.status === 200 && r.body.items.some((i) => i.id === secretId),
      60_000,
    );
    const analyst = await browser.newContext({ locale: 'en-GB' });
    try {
      const page = await analyst.newPage();
      const watch = watchPage(page);
      await logIn(page, 'alpha', 'alpha-s');
      // Without a purpose, S data is neither returned nor counted by search.
      await page.locator('#search-q').fill(secretName);
      await page.locator('.search-form button[type="submit"]').click();
      await page.locator('.results p', { hasText: '0 results' }).waitFor({ timeout: 30_000 });
      await expect(page.locator('main').innerText()).resolves.not.toContain('Sabine');
      await expect(page.locator('.banner-top').innerText()).resolves.toBe('NON PROTÉGÉ (UNCLASSIFIED)');
      // Stating a purpose reloads the screen with it.
      await page.getByRole('button', { name: 'State a purpose' }).click();
      await page.locator('#purpose-case').fill('CASE-E2E-S');
      await page.locator('#purpose-justification').fill('protected object in the console test');
      await page.locator('.purpose-dialog button[type="submit"]').click();
      await page.locator('.hits a', { hasText: secretName }).waitFor({ timeout: 30_000 });
      await page.locator('.banner-top', { hasText: 'SECRET // OP-SAPHIR' }).waitFor({ timeout: 5_000 });
      await page.screenshot({ path: join(screenshotDir, 'purpose.png'), fullPage: true });
      expect(watch).toEqual({ outside: [], cspViolations: [], errors: [] });
    } finally {
      await analyst.close();
    }

    const outsider = await browser.newContext({ locale: 'en-GB' });
    try {
      const page = await outsider.newPage();
      await logIn(page, 'alpha', 'alpha-np');
      await page.goto(`${consoleOrigin}/objects/${secretId}`);
      await page.locator('main .notice', { hasText: 'Not found, or not visible with your clearance.' }).waitFor({ timeout: 30_000 });
      await expect(page.locator('main').innerText()).resolves.not.toContain('Sabine');
      await expect(page.locator('.banner-top').innerText()).resolves.toBe('NON PROTÉGÉ (UNCLASSIFIED)');
    } finally {
      await outsider.close();
    }
  });
});
