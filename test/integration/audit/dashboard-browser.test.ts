import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../../scripts/ensure-chromium.mjs';
import { PROJECT_ROOT } from '../../support/temp-repo.js';
import { runCli } from '../../support/run-cli.js';
import { buildFixture, type Fixture } from './fixture-history.js';

/** Debian's chromium (`npm test` installs it first when it may: scripts/ensure-chromium.mjs), driven without network or sandbox. */
const CHROMIUM = findChromium();
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOTS = join(PROJECT_ROOT, 'test-results');

let fixture: Fixture;
let out: string;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  fixture = buildFixture();
  out = mkdtempSync(join(tmpdir(), 'gitgrant-dashboard-'));
  const run = await runCli(['dashboard', '--out', out, '--now', '2026-11-05T13:00:00Z'], { cwd: fixture.repo.root });
  expect(run.stdout).toBe(`gitgrant dashboard: wrote ${join(out, 'index.html')} (7 grants)\n`);
  if (!CHROMIUM) throw new Error('no Chromium: run the tests with `npm test`, which installs it or says how (scripts/ensure-chromium.mjs)');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(join(out, 'index.html')).href);
});

afterAll(async () => {
  await browser?.close();
  fixture?.repo.dispose();
  if (out) rmSync(out, { recursive: true, force: true });
});

const text = async (selector: string) => (await page.locator(selector).innerText()).trim();

describe('the dashboard in a browser', () => {
  it('loads from a file and shows the fixture history\'s counts', async () => {
    expect([await text('#count-grants'), await text('#count-active'), await text('#count-break-glass'), await text('#count-open-exceptions'), await text('#median-approval')])
      .toEqual(['7', '1', '1', 'unknown', '20m']);
  });

  it('draws one timeline lane per role and per person, with one bar per grant', async () => {
    expect(await page.locator('#by-role > li').count()).toBe(4);
    expect(await page.locator('#by-person > li').count()).toBe(7);
    expect(await page.locator('#by-role .bar').count()).toBe(7);
    expect(await page.locator('#by-role .bar.break-glass').getAttribute('aria-label')).toBe('dave@example.com on prod-break-glass (break-glass): 2026-11-03T20:00:00Z to 2026-11-03T22:00:00Z, break-glass-ended');
  });

  it('lists the active grant, the break-glass event and the recorded approval', async () => {
    expect(await page.locator('#active tbody tr').allInnerTexts()).toEqual([expect.stringContaining('frank@example.com')]);
    expect(await page.locator('#break-glass tbody tr').allInnerTexts()).toEqual([expect.stringContaining('INC-900')]);
    expect(await page.locator('#latency tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/alice-inc-100\.yaml\s+#1\s+2026-11-02T09:30:00Z\s+20m/)]);
    expect(await text('#exceptions')).toBe('Unknown: the dashboard was built without a GitHub token.');
  });

  it('says which commit it was built from, so an auditor can rebuild the same page', async () => {
    expect(await text('#built-from')).toBe(fixture.repo.head().slice(0, 12));
    expect(await text('#built-at')).toBe('2026-11-05T13:00:00Z');
  });

  it('shows every grant with its state and who approved it; revoked, expired and break-glass look different', async () => {
    const rows = (await page.locator('#grants tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r[0] === 'alice@example.com')).toEqual(['alice@example.com', 'prod-db-readonly', expect.any(String), 'expired', '@bob (unverified note)', expect.stringMatching(/^[0-9a-f]{12} \(PR #1\)$/)]);
    expect(rows.find((r) => r[0] === 'bob@example.com')?.[3]).toBe('revoked-hr');
    expect(rows.find((r) => r[0] === 'dave@example.com')?.slice(3, 5)).toEqual(['break-glass-ended (break-glass)', 'break-glass (reviewed after)']);
    const background = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundImage + getComputedStyle(el).backgroundColor);
    const looks = await Promise.all(['#by-role .bar.expired:not(.break-glass)', '#by-role .bar.revoked', '#by-role .bar.break-glass', '#by-role .bar.active'].map(background));
    expect(new Set(looks).size).toBe(4);
  });

  it('labels the time axis with round dates, more than its two ends', async () => {
    const labels = await page.locator('#by-role-heading ~ .axis-row .tick').allInnerTexts();
    expect(labels.length).toBeGreaterThan(2);
    for (const label of labels) expect(label).toMatch(/^2026-11-\d\d$/);
  });

  it('lets a keyboard reach the timeline bars, each with a text label', async () => {
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^\S+@example\.com on [a-z-]+/);
  });

  it('needs nothing from the network', () => {
    expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
  });

  it('reflows to a phone\'s width without sideways scrolling, and keeps screenshots as test artifacts', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-dashboard.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-dashboard-phone.png'), fullPage: true });
  });
});
