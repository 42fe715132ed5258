// Opening reports in Debian's chromium through playwright-core (no browser download), and
// recording everything a page must not do: console errors, page errors, dialogs, any request
// other than the report file itself.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type Locator, type Page, chromium } from 'playwright-core';
import { PROJECT_ROOT } from '../../corpus.js';

export const CHROMIUM = process.env.NATPATH_CHROMIUM ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_REASON = `skipped: ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium; CI installs it)`;

/** Screenshots and PDFs for people to look at; gitignored. Nothing checks them, so they are made only when asked. */
export const SCREENSHOTS = join(PROJECT_ROOT, 'test', 'report', 'html', 'screenshots');
/** `NATPATH_SCREENSHOTS=1 npx vitest run test/report/html` writes them (docs/testing.md). */
export const WRITE_SCREENSHOTS = process.env.NATPATH_SCREENSHOTS === '1';

/** Saves a screenshot of a page or an element as SCREENSHOTS/<name>, when asked. */
export async function saveScreenshot(target: Pick<Page, 'screenshot'> | Pick<Locator, 'screenshot'>, name: string, fullPage = false): Promise<void> {
  if (!WRITE_SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await (target as Page).screenshot({ path: join(SCREENSHOTS, name), ...(fullPage ? { fullPage: true } : {}) });
}

/** Saves bytes made by a test (a PDF) as SCREENSHOTS/<name>, when asked. */
export function saveArtifact(name: string, bytes: Uint8Array): void {
  if (!WRITE_SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, name), bytes);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export interface PageProblems {
  console: string[];
  errors: string[];
  requests: string[];
  dialogs: string[];
}

/** A page that opens `file` and records what it must not do; every other request is aborted. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: PageProblems }> {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport });
  const problems: PageProblems = { console: [], errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.errors.push(e.message));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url) problems.requests.push(r.url());
  });
  await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

// The project compiles without the DOM library; these are the few DOM shapes the in-page code uses.
interface BoxLike {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface SvgNode {
  textContent: string | null;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  getBBox(): BoxLike;
  querySelector(selector: string): SvgNode | null;
  querySelectorAll(selector: string): ArrayLike<SvgNode>;
}

/** The flow ids of the table rows a person sees now, top to bottom. */
export function visibleRows(page: Page): Promise<number[]> {
  return page.$$eval('#flows tbody tr', (rows) =>
    rows.filter((r) => (r as unknown as { offsetParent: unknown }).offsetParent !== null).map((r) => Number(r.getAttribute('data-flow'))),
  );
}

/**
 * Pairs of <text> in the path diagrams whose rendered boxes overlap (as laid out by the real font),
 * and texts that stick out of the box drawn around them.
 */
export function textCollisions(page: Page): Promise<string[]> {
  return page.$$eval('svg.path', (elements) => {
    const found: string[] = [];
    for (const svg of elements as unknown as SvgNode[]) {
      const texts = Array.from(svg.querySelectorAll('text'));
      const boxes = texts.map((t) => ({ t, b: t.getBBox() }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.b;
          const c = boxes[j]!.b;
          const slack = 1; // anti-aliasing and glyph side bearings
          if (a.x + slack < c.x + c.width && c.x + slack < a.x + a.width && a.y + slack < c.y + c.height && c.y + slack < a.y + a.height) {
            found.push(`flow ${svg.getAttribute('data-flow')}: "${boxes[i]!.t.textContent}" × "${boxes[j]!.t.textContent}"`);
          }
        }
      }
      // Text inside an interface pill or a translation box stays inside it.
      for (const g of Array.from(svg.querySelectorAll('g.hop, g.tx'))) {
        const frame = g.querySelector('rect.iface, rect.tx-box, path.cloud');
        if (frame === null) continue;
        const f = frame.getBBox();
        const inner = g.classList.contains('hop') ? [g.querySelector('text.iface-name')] : Array.from(g.querySelectorAll('text'));
        for (const t of inner) {
          if (t === null) continue;
          const b = t.getBBox();
          if (b.x < f.x - 0.5 || b.x + b.width > f.x + f.width + 0.5) found.push(`flow ${svg.getAttribute('data-flow')}: "${t.textContent}" sticks out of its box`);
        }
      }
    }
    return found;
  });
}
