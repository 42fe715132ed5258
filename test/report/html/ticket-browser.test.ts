// The HTML report as a ticket attachment, in Chromium: the header a ticket needs, dark mode, a
// phone's 390 px without sideways page scroll, print (no filters, no empty first page, light
// colours), no JavaScript (no dead buttons), the full rule text and each capture's host folder on
// the page. Screenshots (desktop/phone × light/dark) and a PDF are written to test/report/html/screenshots/
// only when NATPATH_SCREENSHOTS=1.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runAnalyze } from '../../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../../src/report/analyze-formats.js';
import { makeStyle } from '../../../src/report/terminal.js';
import { samplePath } from '../../corpus.js';
import { HAS_CHROMIUM, SCREENSHOTS, launchChromium, openReport } from './browser.js';

const WRITE_SHOTS = process.env.NATPATH_SCREENSHOTS === '1';
const scratch = mkdtempSync(join(tmpdir(), 'natpath-ticket-'));
const files = new Map<string, string>();
let browser: Browser;

async function writeReport(scenario: string): Promise<string> {
  const report = await runAnalyze({ paths: [samplePath(scenario)], hosts: [] });
  const provenance = { caseName: scenario, commandLine: `natpath analyze samples/${scenario} --format html --out report.html`, version: '0.1.0', madeAt: '2026-12-07T05:00:00.000Z' };
  const file = join(scratch, `${scenario}.html`);
  writeFileSync(file, ANALYZE_FORMATS.html(report, { style: makeStyle(false), width: Infinity, provenance }));
  return file;
}

/** Widest horizontal extent of the page itself (not of boxes that scroll on their own). */
function pageScrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
}

function bodyBackground(page: Page): Promise<string> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { body: unknown } };
    return g.getComputedStyle(g.document.body).backgroundColor;
  });
}

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
}

describe.runIf(HAS_CHROMIUM)('the HTML report as a ticket attachment (Chromium)', () => {
  beforeAll(async () => {
    browser = await launchChromium();
    for (const s of ['nodeport', 'pod-egress-natgw-blind', 'pod-to-pod-vxlan']) files.set(s, await writeReport(s));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('opens with the case, hosts, capture window, version, time, command line and a pasteable answer', async () => {
    const { page } = await openReport(browser, files.get('nodeport')!);
    const header = await page.locator('header.top').innerText();
    for (const text of ['nodeport', 'client, node1, node2', 'Capture window (UTC)', '2026-11-25T02:20:41', '0.1.0, report made 2026-12-07T05:00:00.000Z', 'natpath analyze samples/nodeport --format html']) {
      expect(header).toContain(text);
    }
    expect(await page.locator('#paste').innerText()).toContain('tcp 10.244.2.3:8080 sees 10.244.1.0');
    await page.close();
  });

  it('shows the full rule text and which host folder each capture is in, without hovering', async () => {
    const { page } = await openReport(browser, files.get('nodeport')!);
    const rule = page.locator('figure ol.rules code.rule-text').first();
    await expect(rule.isVisible()).resolves.toBe(true);
    expect(await rule.innerText()).toMatch(/^-A KUBE-SEP-\w+ -p tcp -m comment --comment "default\/web:http" -m tcp -j DNAT --to-destination 10\.244\.2\.\d:8080$/);
    expect(await page.locator('svg.path').first().innerHTML()).toMatch(/captured in node1\/capture\.pcapng/);
    await page.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    for (const [device, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]] as const) {
      it(`${device}, ${scheme}: no sideways page scroll, the ${scheme} palette`, async () => {
        for (const [scenario, file] of files) {
          const { page } = await openReport(browser, file, viewport);
          await page.emulateMedia({ colorScheme: scheme });
          expect(await pageScrollWidth(page), `${scenario} at ${viewport.width} px`).toBeLessThanOrEqual(viewport.width);
          const light = luminance(await bodyBackground(page));
          if (scheme === 'dark') expect(light, scenario).toBeLessThan(0.2);
          else expect(light, scenario).toBeGreaterThan(0.8);
          if (WRITE_SHOTS) await page.screenshot({ path: join(SCREENSHOTS, `ticket-${scenario}-${device}-${scheme}.png`), fullPage: true });
          await page.close();
        }
      });
    }
  }

  it('prints in light colours without filters or page links, and the first page is not empty', async () => {
    const { page } = await openReport(browser, files.get('nodeport')!);
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    expect(luminance(await bodyBackground(page))).toBeGreaterThan(0.8);
    await expect(page.locator('.controls').isVisible()).resolves.toBe(false);
    await expect(page.locator('nav.toc').isVisible()).resolves.toBe(false);
    // The heading and the answer start on page 1: nothing before them is pushed to a later page.
    const top = await page.locator('#answer').evaluate((e) => (e as unknown as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top);
    expect(top).toBeLessThan(1000);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    if (WRITE_SHOTS) writeFileSync(join(SCREENSHOTS, 'ticket-nodeport.pdf'), pdf);
    await page.close();
  });

  it('without JavaScript, hides the filters and pager and shows every row', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`file://${files.get('nodeport')!}`);
    await expect(page.locator('.controls').isVisible()).resolves.toBe(false);
    await expect(page.locator('.pager').isVisible()).resolves.toBe(false);
    const rows = await page.locator('#flows tbody tr').count();
    const visible = await page.locator('#flows tbody tr:visible').count();
    expect(visible).toBe(rows);
    await context.close();
  });
});
