import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { call, eventually, launchChromium, logIn, PageWatch, screenshotDir, tokenOf, watchPage } from './console-e2e.helpers';

/**
 * The operations screens in a real browser against the running platform: an ingest user uploads
 * a file and watches it complete (SSE progress, counts, quarantine report); an auditor queries the
 * trail and verifies the chain record by record; an administrator creates a user and changes its
 * clearance; the object page shows a version diff. Each screen passes axe-core's WCAG 2.1 A/AA
 * rules without serious or critical violations; no request leaves the platform and Keycloak.
 */
const sfx = Array.from(randomBytes(8), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const MAPPING = `version: 1
name: people-with-phones
markings: { level: NP, compartments: [] }
objects:
  person:
    type: Person
    key: "person:{id}"
    properties:
      fullName: { concat: [first_name, last_name] }
      givenName: first_name
      familyName: last_name
  phone:
    type: Phone
    key: "phone:{phone}"
    optional: true
    properties:
      number: phone
links:
  - type: uses
    from: person
    to: phone
`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const accessibility: Record<string, { violations: { id: string; impact: string | null; help: string; nodes: number }[] }> = {};

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page; returns the serious and critical violations. */
async function axeCheck(page: Page, screen: string): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the console's CSP (no inline script) stays as it is.
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  })) as AxeViolation[];
  accessibility[screen] = { violations: violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })) };
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`).join('\n');
}

function expectClean(watch: PageWatch): void {
  expect(watch.outside).toEqual([]);
  expect(watch.cspViolations).toEqual([]);
  expect(watch.errors).toEqual([]);
}

async function openScreen(page: Page, navLabel: string, heading: string): Promise<void> {
  await page.locator('nav[aria-label="Main navigation"] a', { hasText: navLabel }).click();
  await page.locator('main h1', { hasText: heading }).waitFor({ timeout: 15_000 });
}

async function navLabels(page: Page): Promise<string[]> {
  return page.locator('nav[aria-label="Main navigation"] a').allInnerTexts();
}

let browser: Browser;
const contexts: BrowserContext[] = [];
let writerToken: string;
let adminToken: string;
let objectId: string | undefined;
let createdUserId: string | undefined;

async function newPage(): Promise<{ page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  await page.addInitScript(() => localStorage.setItem('vigie.language', 'en'));
  return { page, watch: watchPage(page) };
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  writerToken = await tokenOf('alpha', 'alpha-ts');
  adminToken = await tokenOf('alpha', 'alpha-admin');
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  if (objectId) await call('DELETE', `/objects/${objectId}`, writerToken);
  // Users are never deleted (the audit trail keeps naming them): the test user is disabled.
  if (createdUserId) await call('POST', `/admin/tenants/alpha/users/${createdUserId}/disable`, adminToken);
  writeFileSync(join(screenshotDir, 'accessibility.json'), `${JSON.stringify(accessibility, null, 2)}\n`);
});

describe('operations screens in a browser', () => {
  it('an ingest user checks a mapping, uploads a file and watches it complete, with its quarantine report', async () => {
    const { page, watch } = await newPage();
    await logIn(page, 'alpha', 'alpha-ingest');
    const labels = await navLabels(page);
    expect(labels).toContain('Ingestion');
    expect(labels).not.toContain('Audit');
    expect(labels).not.toContain('Administration');
    await openScreen(page, 'Ingestion', 'File ingestion');
    expect(new URL(page.url()).pathname).toBe('/ingestion');

    const rows = ['id,first_name,last_name,phone'];
    for (let i = 0; i < 40; i++) rows.push(`${sfx}${i},Ops${i},Upload${sfx},+3361${String(1_000_000 + i).padStart(7, '0')}`);
    rows.splice(10, 0, `${sfx}bad,Broken,Row`);
    await page.locator('#ingest-file').setInputFiles({ name: `ops-${sfx}.csv`, mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`) });
    await page.locator('.mapping-editor .muted', { hasText: 'File columns: id, first_name, last_name, phone' }).waitFor();

    // A mistake is named with its line and path.
    await page.locator('#ingest-mapping').fill(MAPPING.replace('type: Person', 'type: Persn'));
    await page.getByRole('button', { name: 'Check the mapping' }).click();
    const mappingError = page.locator('#mapping-errors li').first();
    await mappingError.waitFor();
    await expect(mappingError.innerText()).resolves.toMatch(/^Line 6, column \d+ — objects\.person\.type: unknown object type "Persn"/);
    await expect(page.locator('#ingest-mapping').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.locator('#ingest-mapping').fill(MAPPING);
    await page.getByRole('button', { name: 'Check the mapping' }).click();
    await page.locator('#mapping-ok', { hasText: 'Valid mapping' }).waitFor();

    await page.locator('#ingest-source').fill(`ops-e2e-${sfx}`);
    const events: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/events')) events.push(r.headers()['content-type'] ?? '');
    });
    await page.getByRole('button', { name: 'Upload and start' }).click();
    await page.locator('#job-title', { hasText: `ops-e2e-${sfx}` }).waitFor({ timeout: 30_000 });
    await page.locator('.job-status[data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(events.some((type) => type.startsWith('text/event-stream'))).toBe(true);
    await expect(page.locator('#job-bar').getAttribute('value')).resolves.toBe('100');
    await expect(page.locator('[data-count="read"]').innerText()).resolves.toBe('41');
    await expect(page.locator('[data-count="quarantined"]').innerText()).resolves.toBe('1');
    await expect(page.locator('[data-count="written"]').innerText()).resolves.toBe('40');
    const quarantined = page.locator('table.quarantine tbody tr');
    await quarantined.first().waitFor();
    await expect(quarantined.count()).resolves.toBe(1);
    await expect(quarantined.first().innerText()).resolves.toContain('COLUMN_COUNT');
    await expect(quarantined.first().innerText()).resolves.toContain('Broken,Row');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download (CSV)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^quarantine-[0-9a-f-]+\.csv$/);
    expect(readFileSync((await file.path()) as string, 'utf8')).toContain('COLUMN_COUNT');

    await page.screenshot({ path: join(screenshotDir, 'ingestion.png'), fullPage: true });
    const violations = await axeCheck(page, 'ingestion');
    expect(describeViolations(violations)).toBe('');
    expectClean(watch);
  });

  it('an auditor queries the trail and verifies the chain record by record', async () => {
    // On a fresh stack the chain may be young: wait (making audited queries meanwhile) until a
    // signed checkpoint covers seq 200, so the range verified below is whole and signed.
    const auditorToken = await tokenOf('alpha', 'alpha-auditor');
    await eventually(
      async () => {
        await call('GET', '/audit/records?limit=1', auditorToken);
        const res = await call<Record<string, unknown>>('GET', '/audit/checkpoints?fromSeq=200', auditorToken);
        const list = (Object.values(res.body).find(Array.isArray) ?? []) as { seq?: number }[];
        return list.some((c) => (c.seq ?? 0) >= 200);
      },
      (covered) => covered,
      150_000,
    );
    const { page, watch } = await newPage();
    await logIn(page, 'alpha', 'alpha-auditor');
    const labels = await navLabels(page);
    expect(labels).toContain('Audit');
    expect(labels).not.toContain('Ingestion');
    await openScreen(page, 'Audit', 'Audit trail');

    await page.locator('#audit-actor').fill('alpha-auditor');
    await page.locator('#audit-action').fill('Not An Action');
    await page.locator('form.audit-query button[type="submit"]').click();
    await expect(page.locator('#audit-action-problem').innerText()).resolves.toContain('An action (object.read) or a prefix');
    await page.locator('#audit-action').fill('');
    await page.locator('form.audit-query button[type="submit"]').click();
    await page.locator('table.audit-records tbody tr').first().waitFor({ timeout: 15_000 });
    const actors = await page.locator('table.audit-records tbody tr td:nth-child(3)').allInnerTexts();
    expect(actors.length).toBeGreaterThan(0);
    expect(new Set(actors)).toEqual(new Set(['alpha-auditor']));

    // From the genesis: the whole demo chain (tens of thousands of records, ~30 s) would make the run slow.
    await page.locator('#verify-fromSeq').fill('1');
    await page.locator('#verify-toSeq').fill('200');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#verify-summary').waitFor({ timeout: 60_000 });
    await expect(page.locator('#verify-summary').getAttribute('data-ok')).resolves.toBe('true');
    await expect(page.locator('#verify-summary').innerText()).resolves.toBe('Chain intact: 200 records verified (seq 1 to 200).');
    await expect(page.locator('.verify-facts').innerText()).resolves.toContain('Start: the chain’s genesis.');
    const verdicts = await page.locator('table.verify-rows tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-verdict')));
    expect(verdicts).toHaveLength(200);
    expect(new Set(verdicts)).toEqual(new Set(['verified']));
    await expect(page.locator('table.verify-rows tbody tr').first().getAttribute('data-seq')).resolves.toBe('1');
    const signatures = await page.locator('table.verify-checkpoints tbody td:nth-child(5)').allInnerTexts();
    expect(signatures.length).toBeGreaterThan(0);
    expect(new Set(signatures)).toEqual(new Set(['valid']));

    // A range, checked before it leaves.
    await page.locator('#verify-fromSeq').fill('5');
    await page.locator('#verify-toSeq').fill('2');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await expect(page.locator('#verify-fromSeq-problem').innerText()).resolves.toContain('must not be after');
    await page.locator('#verify-fromSeq').fill('3');
    await page.locator('#verify-toSeq').fill('12');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.locator('#verify-summary', { hasText: 'to 12)' }).waitFor({ timeout: 60_000 });
    const seqs = await page.locator('table.verify-rows tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq'))));
    expect(seqs).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

    await page.screenshot({ path: join(screenshotDir, 'audit.png'), fullPage: true });
    const violations = await axeCheck(page, 'audit');
    expect(describeViolations(violations)).toBe('');
    expectClean(watch);
  }, 300_000);

  it("an administrator creates a user and changes the user's clearance", async () => {
    const { page, watch } = await newPage();
    await logIn(page, 'alpha', 'alpha-admin');
    const labels = await navLabels(page);
    expect(labels).toContain('Administration');
    expect(labels).not.toContain('Audit');
    await openScreen(page, 'Administration', 'Administration — alpha');
    await page.locator('table.users tbody tr').first().waitFor({ timeout: 15_000 });

    const username = `e2e-ops-${sfx}`;
    await page.getByRole('button', { name: 'Create a user' }).click();
    await page.locator('#new-username').fill('Not Valid');
    await page.locator('form.create-user button[type="submit"]').click();
    await expect(page.locator('#new-username-problem').innerText()).resolves.toContain('lower-case letters');
    await expect(page.locator('#new-email-problem').innerText()).resolves.toContain('Invalid e-mail');
    await page.locator('#new-username').fill(username);
    await page.locator('#new-email').fill(`${username}@alpha.test`);
    await page.locator('#new-firstName').fill('Ops');
    await page.locator('#new-lastName').fill('Test');
    await page.locator('form.create-user label', { hasText: 'vigie-analyst' }).locator('input').check();
    await page.locator('form.create-user button[type="submit"]').click();
    await page.locator('#user-title', { hasText: username }).waitFor({ timeout: 30_000 });
    const listed = await call<{ users: { id: string; username: string; clearance: string; roles: string[] }[] }>('GET', `/admin/tenants/alpha/users?search=${username}`, adminToken);
    const created = listed.body.users.find((u) => u.username === username);
    expect(created).toMatchObject({ clearance: 'NP' });
    expect(created?.roles).toContain('vigie-analyst');
    createdUserId = created?.id;

    await page.locator('#user-clearance').selectOption('S');
    await page.locator('#user-compartments').fill('op-saphir, BAD compartment!');
    await page.getByRole('button', { name: 'Save the clearance' }).click();
    await page.locator('.user-editor [role="alert"]', { hasText: 'Invalid compartment' }).waitFor();
    await page.locator('#user-compartments').fill('op-saphir');
    await page.getByRole('button', { name: 'Save the clearance' }).click();
    await page.locator('#user-saved').waitFor({ timeout: 15_000 });
    const after = await eventually(
      () => call<{ clearance: string; compartments: string[] }>('GET', `/admin/tenants/alpha/users/${createdUserId}`, adminToken),
      (r) => r.body.clearance === 'S',
      15_000,
    );
    expect(after.body.compartments).toEqual(['op-saphir']);
    await expect(page.locator('table.users tbody tr.selected').innerText()).resolves.toContain('SECRET');

    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    await page.getByRole('button', { name: 'Enable', exact: true }).waitFor({ timeout: 15_000 });
    await expect(call<{ enabled: boolean }>('GET', `/admin/tenants/alpha/users/${createdUserId}`, adminToken).then((r) => r.body.enabled)).resolves.toBe(false);

    await page.screenshot({ path: join(screenshotDir, 'admin.png'), fullPage: true });
    const violations = await axeCheck(page, 'admin');
    expect(describeViolations(violations)).toBe('');
    expectClean(watch);
  });

  it('the object page shows what changed between versions, and search and object pages pass the accessibility check', async () => {
    const created = await call<{ id: string; version: number }>('POST', '/objects', writerToken, {
      type: 'Person',
      properties: { fullName: `Hector Diffley${sfx}`, familyName: `Diffley${sfx}`, givenName: 'Hector' },
      markings: { level: 'NP', compartments: [] },
      provenance: { source: `console-ops-e2e-${sfx}` },
    });
    expect(created.status).toBe(201);
    objectId = created.body.id;
    const patched = await call<{ version: number }>('PATCH', `/objects/${objectId}`, writerToken, {
      expectedVersion: created.body.version,
      set: { givenName: 'Hugo', birthPlace: 'Lyon' },
      provenance: { source: `console-ops-e2e-${sfx}` },
    });
    expect(patched.status).toBe(200);

    const { page, watch } = await newPage();
    await logIn(page, 'alpha', 'alpha-ts');
    const labels = await navLabels(page);
    expect(labels).not.toContain('Ingestion');
    expect(labels).not.toContain('Audit');
    expect(labels).not.toContain('Administration');
    const searchViolations = await axeCheck(page, 'search');
    expect(describeViolations(searchViolations)).toBe('');

    await page.goto(`${page.url().split('/search')[0].replace(/\/$/, '')}/objects/${objectId}`);
    await page.locator('#object-title', { hasText: `Hector Diffley${sfx}` }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Show changes since v1' }).click();
    await expect(page.locator('button[aria-controls="diff-2"]').getAttribute('aria-expanded')).resolves.toBe('true');
    const diff = page.locator('table.diff');
    await diff.waitFor({ timeout: 15_000 });
    const lines = await diff.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent, (tr.querySelector('.diff-before del') ?? tr.querySelector('.diff-before .muted'))?.textContent, tr.querySelector('.diff-after ins')?.textContent]));
    expect(lines).toContainEqual(['givenName', 'Hector', 'Hugo']);
    expect(lines).toContainEqual(['birthPlace', '(absent)', 'Lyon']);
    await expect(page.locator('table.history tbody tr').first().innerText()).resolves.toContain('alpha-ts');

    await page.screenshot({ path: join(screenshotDir, 'object-diff.png'), fullPage: true });
    const violations = await axeCheck(page, 'object');
    expect(describeViolations(violations)).toBe('');
    expectClean(watch);
  });
});
