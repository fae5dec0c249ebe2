import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { call, eventually, launchChromium, logIn, screenshotDir, tokenOf, watchPage } from './console-e2e.helpers';

/**
 * The analysis screens in a real browser against the running platform: from an object page to
 * the link graph (WebGL), expand by link type, find a path, export a PNG, brush the timeline
 * (the graph and the map follow), points on the offline map; an analyst without the clearance
 * never sees the protected node. No request leaves the platform and Keycloak.
 * Screenshots: test-output/console-e2e/analysis-*.png; the README's docs/screenshots/graph.png
 * is refreshed with UPDATE_DOC_SCREENSHOTS=1.
 */
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.0/2.1 A and AA rules in the page (injected through DevTools, the CSP stays as it is): the serious and critical violations, in words. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  })) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

const sfx = Array.from(randomBytes(8), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('');
const name = (what: string) => `${what} ${sfx}`;
const DR = { level: 'DR', compartments: [] as string[] };
const SECRET = { level: 'S', compartments: ['op-saphir'] };
const provenance = { source: `console-analysis-e2e-${sfx}` };

let browser: Browser;
let token: string;
const ids: Record<'person' | 'org' | 'meeting' | 'summit' | 'hidden', string> = { person: '', org: '', meeting: '', summit: '', hidden: '' };
const linkIds: string[] = [];

async function create(type: string, properties: Record<string, unknown>, markings = DR): Promise<string> {
  const r = await call<{ id: string }>('POST', '/objects', token, { type, properties, markings, provenance });
  if (r.status !== 201) throw new Error(`creating a ${type} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

async function link(type: string, fromId: string, toId: string, validFrom: string | null, markings = DR): Promise<void> {
  const r = await call<{ id: string }>('POST', '/links', token, { type, fromId, toId, markings, provenance, ...(validFrom ? { validFrom } : {}) });
  if (r.status !== 201) throw new Error(`creating a ${type} link failed: ${r.status} ${JSON.stringify(r.body)}`);
  linkIds.push(r.body.id);
}

async function statePurpose(page: Page, caseRef: string): Promise<void> {
  await page.getByRole('button', { name: 'State a purpose' }).click();
  await page.locator('#purpose-case').fill(caseRef);
  await page.locator('#purpose-justification').fill('link analysis in the console test');
  await page.locator('.purpose-dialog button[type="submit"]').click();
  await page.getByRole('button', { name: `Purpose: ${caseRef}` }).waitFor();
}

/** In-app navigation (as a click on a link would do), without reloading the page and logging in again. */
async function go(page: Page, href: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, href);
}

/** The link counts of the timeline's bars (their titles read "…: N objects, M links"). */
async function timelineLinks(page: Page): Promise<number> {
  const titles = await page.evaluate(() => Array.from(document.querySelectorAll('.timeline-chart g.bar title')).map((t) => t.textContent ?? ''));
  return titles.reduce((sum, t) => sum + Number(/(\d+) links/.exec(t)?.[1] ?? 0), 0);
}

const nodeRow = (page: Page, id: string) => page.locator(`.node-list li[data-id="${id}"]`);

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  token = await tokenOf('alpha', 'alpha-ts');
  ids.person = await create('Person', { fullName: name('Irène Valcourt') });
  ids.org = await create('Organization', { name: name('Société Ancre'), location: { lat: 48.8566, lon: 2.3522 } });
  ids.meeting = await create('Event', { name: name('Réunion Lyon'), startedAt: '2024-03-10T10:00:00Z', point: { lat: 45.764, lon: 4.8357 } });
  ids.summit = await create('Event', { name: name('Sommet Marseille'), startedAt: '2024-09-05T09:00:00Z', point: { lat: 43.2965, lon: 5.3698 } });
  ids.hidden = await create('Person', { fullName: name('Hugo Sabord') }, SECRET);
  await link('works_for', ids.person, ids.org, '2023-06-01');
  await link('attended', ids.person, ids.meeting, null);
  await link('attended', ids.org, ids.summit, null);
  await link('associate_of', ids.person, ids.hidden, '2024-01-20', SECRET);
  // The analytics projection follows the ontology's events: wait until the graph is there.
  await eventually(
    () => call<{ nodes: { id: string }[] }>('POST', '/graph/neighbourhood', token, { ids: [ids.person], hops: 2 }),
    (r) => r.status === 200 && [ids.org, ids.meeting, ids.summit, ids.hidden].every((id) => r.body.nodes.some((n) => n.id === id)),
    60_000,
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const id of linkIds) await call('DELETE', `/links/${id}`, token);
  for (const id of Object.values(ids)) if (id) await call('DELETE', `/objects/${id}`, token);
});

describe('analysis screens in a browser', () => {
  it('opens the graph from an object, expands by link type, finds a path, exports a PNG, brushes the timeline; the map follows', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 1100 }, acceptDownloads: true });
    try {
      const page = await context.newPage();
      const watch = watchPage(page);
      await logIn(page, 'alpha', 'alpha-ts');
      await statePurpose(page, 'CASE-ANALYSIS-E2E');

      // From the object page to the link analysis.
      await go(page, `/objects/${ids.person}`);
      await page.locator('#object-title', { hasText: name('Irène Valcourt') }).waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: 'Open in link analysis' }).click();
      expect(new URL(page.url()).pathname).toBe('/analysis');
      await nodeRow(page, ids.org).waitFor({ timeout: 30_000 });
      for (const id of [ids.person, ids.org, ids.meeting, ids.hidden]) await nodeRow(page, id).waitFor();
      await expect(nodeRow(page, ids.summit).count()).resolves.toBe(0);
      // Nodes show their type and marking; the WebGL canvas is drawn.
      await expect(nodeRow(page, ids.org).innerText()).resolves.toMatch(/Organi[sz]ation[\s\S]*DR/);
      await expect(page.locator('.graph-canvas canvas').count()).resolves.toBeGreaterThan(1);
      await page.locator('.banner-top', { hasText: 'SECRET // OP-SAPHIR' }).waitFor({ timeout: 5_000 });

      // Expand the organisation by the "attended" link type only.
      await page.locator('.node-list li input[type="checkbox"]:checked').first().uncheck();
      await nodeRow(page, ids.org).locator('input[type="checkbox"]').check();
      await page.locator('#analysis-link-type').selectOption('attended');
      await page.locator('#analysis-expand').click();
      await nodeRow(page, ids.summit).waitFor({ timeout: 30_000 });
      await expect(page.locator('.analysis-status').innerText()).resolves.toContain('objects added');

      // A path from the person to the summit goes through the organisation.
      await nodeRow(page, ids.org).locator('input[type="checkbox"]').uncheck();
      await nodeRow(page, ids.person).locator('input[type="checkbox"]').check();
      await nodeRow(page, ids.summit).locator('input[type="checkbox"]').check();
      await page.locator('#analysis-paths').click();
      await page.locator('.analysis-status', { hasText: 'path(s) found; the shortest has 2 link(s)' }).waitFor({ timeout: 30_000 });
      for (const id of [ids.person, ids.org, ids.summit]) await expect(nodeRow(page, id).locator('.path-tag').count()).resolves.toBe(1);
      await expect(nodeRow(page, ids.meeting).locator('.path-tag').count()).resolves.toBe(0);
      await page.getByRole('button', { name: 'Force-directed layout' }).click();
      // ForceAtlas2 runs in a worker; the canvas says when it has settled.
      await page.locator('.graph-canvas[data-layout="idle"]').waitFor({ timeout: 30_000 });
      await page.locator('.graph-canvas').screenshot({ path: join(screenshotDir, 'analysis-graph.png') });

      // Export of the view as a PNG file.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#analysis-export').click()]);
      expect(download.suggestedFilename()).toBe('vigie-graph.png');
      const png = readFileSync(await download.path());
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(2000);

      // The map shows the graph's places (offline basemap, no tile server).
      await page.locator('.map-panel details summary').click();
      for (const label of ['Société Ancre', 'Réunion Lyon', 'Sommet Marseille']) await page.locator('.map-list li', { hasText: name(label) }).waitFor({ timeout: 30_000 });
      await expect(page.locator('.map-list li', { hasText: name('Réunion Lyon') }).innerText()).resolves.toContain('in the graph');
      await expect(page.locator('.map-canvas path.leaflet-interactive, .map-canvas canvas').count()).resolves.toBeGreaterThan(0);
      await page.screenshot({ path: join(screenshotDir, 'analysis.png'), fullPage: true });
      await expect(axeProblems(page)).resolves.toEqual([]);
      if (process.env['UPDATE_DOC_SCREENSHOTS'] === '1') await page.locator('.analysis-main').screenshot({ path: join(__dirname, '../../../docs/screenshots/graph.png') });

      // Brush the timeline to March 2024 (keyboard): the graph dims the rest, the map keeps the meeting only.
      await page.locator('.timeline-chart').waitFor();
      const bars = await page.locator('.timeline-chart g.bar').count();
      expect(bars).toBeGreaterThanOrEqual(16); // June 2023 … September 2024, months
      await expect(timelineLinks(page)).resolves.toBe(2); // works_for (June 2023) and the secret associate_of (January 2024)
      const start = page.getByLabel('Window start');
      const end = page.getByLabel('Window end');
      const march = await page.evaluate(() => {
        const titles = Array.from(document.querySelectorAll('.timeline-chart g.bar title')).map((t) => t.textContent ?? '');
        return titles.findIndex((t) => /Mar 2024/.test(t));
      });
      expect(march).toBeGreaterThan(0);
      await end.fill(String(march));
      await start.fill(String(march));
      await page.locator('.brush-status', { hasText: /Window from .* objects of the graph/ }).waitFor({ timeout: 30_000 });
      await page.locator(`.node-list li.dimmed[data-id="${ids.summit}"]`).waitFor({ timeout: 30_000 });
      expect((await nodeRow(page, ids.meeting).getAttribute('class')) ?? '').not.toContain('dimmed');
      await page.locator('.map-list li', { hasText: name('Sommet Marseille') }).waitFor({ state: 'detached', timeout: 30_000 });
      await expect(page.locator('.map-list').innerText()).resolves.toContain(name('Réunion Lyon'));
      await page.screenshot({ path: join(screenshotDir, 'analysis-brushed.png'), fullPage: true });

      expect(watch).toEqual({ outside: [], cspViolations: [], errors: [] });
    } finally {
      await context.close();
    }
  });

  it('does not show, or hint at, a node above the analyst’s clearance', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 1100 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page);
      await logIn(page, 'alpha', 'alpha-dr');
      await statePurpose(page, 'CASE-ANALYSIS-DR');
      await go(page, `/analysis?id=${ids.person}`);
      await nodeRow(page, ids.org).waitFor({ timeout: 30_000 });
      await nodeRow(page, ids.meeting).waitFor();
      await expect(nodeRow(page, ids.hidden).count()).resolves.toBe(0);
      const text = await page.locator('main').innerText();
      expect(text).not.toContain('Sabord');
      expect(text).toContain('3 objects, 2 links');
      // Nor does the timeline count the secret link's date.
      await page.locator('.timeline-chart g.bar').first().waitFor({ timeout: 30_000 });
      await expect(timelineLinks(page)).resolves.toBe(1);
      await expect(page.locator('.banner-top').innerText()).resolves.toBe('DIFFUSION RESTREINTE (RESTRICTED)');
      await page.screenshot({ path: join(screenshotDir, 'analysis-lower-clearance.png'), fullPage: true });
      expect(watch).toEqual({ outside: [], cspViolations: [], errors: [] });
    } finally {
      await context.close();
    }
  });
});
