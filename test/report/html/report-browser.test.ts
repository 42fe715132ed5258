// The HTML report of every lab scenario, opened from a file URL in a real browser: the answer is
// the truth's, every flow and translation is in the page, the table sorts and filters by clicks
// and typing, nothing is fetched, nothing is logged as an error, no label overlaps another in
// the real font. With NATPATH_SCREENSHOTS=1, screenshots and the PDF go to test/report/html/screenshots/
// (gitignored) for people to look at; nothing checks them, so by default none is written.

import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../../src/app/analyze-case.js';
import type { AnalyzeReport } from '../../../src/report/analyze-model.js';
import { ANALYZE_FORMATS } from '../../../src/report/analyze-formats.js';
import { PROJECT_ROOT } from '../../corpus.js';
import { truthAnswers } from '../../match/truth.js';
import { HAS_CHROMIUM, type PageProblems, SKIP_REASON, launchChromium, openReport, saveArtifact, saveScreenshot, textCollisions, visibleRows } from './browser.js';
import { makeFlow, makeReport, podEgressPath } from './synthetic.js';

const SAMPLES = join(PROJECT_ROOT, 'samples');
const scenarios = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((s) => existsSync(join(SAMPLES, s, 'truth.json'))).sort() : [];
const scratch = mkdtempSync(join(tmpdir(), 'natpath-html-'));

function renderHtml(report: AnalyzeReport): string {
  // The same function `natpath analyze --format html` calls.
  return ANALYZE_FORMATS.html(report);
}

/** The little of the page's globals the tests touch (the project compiles without the DOM library). */
interface InPage {
  document: { getElementById(id: string): { open?: boolean } | null; documentElement: { scrollWidth: number } };
  dispatchEvent(event: Event): boolean;
  getComputedStyle(element: unknown): { fontSize: string };
}

function expectClean(problems: PageProblems): void {
  expect(problems.errors, 'page errors').toEqual([]);
  expect(problems.console, 'console errors and warnings').toEqual([]);
  expect(problems.requests, 'requests other than the report itself').toEqual([]);
  expect(problems.dialogs, 'dialogs (injected script?)').toEqual([]);
}

async function clickSort(page: Page, key: string): Promise<void> {
  await page.click(`#flows th[data-key="${key}"] button`);
}

if (!HAS_CHROMIUM) {
  // Said once, loudly, in the test output; vitest lists the skipped tests under the same reason.
  console.warn(`test/report/html/report-browser.test.ts: ${SKIP_REASON}`);
}

describe.skipIf(!HAS_CHROMIUM)(`HTML report in chromium (${HAS_CHROMIUM ? 'headless' : SKIP_REASON})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has lab scenarios to check', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  describe.each(scenarios)('%s', (scenario) => {
    let report: AnalyzeReport;
    let file: string;
    let page: Page;
    let problems: PageProblems;

    beforeAll(async () => {
      report = await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] });
      file = join(scratch, `${scenario}.html`);
      writeFileSync(file, renderHtml(report));
      ({ page, problems } = await openReport(browser, file));
    });
    afterAll(async () => {
      await page?.close();
    });

    it("shows the truth's answer: what the partner sees, or where the case last saw it", async () => {
      type Flow = { serverSees: { address: string }; lastInCase?: { src: { address: string } } };
      const truth = JSON.parse(readFileSync(join(SAMPLES, scenario, 'truth.json'), 'utf8')) as { partnerSees: string[]; flows: Flow[] };
      // truth.json follows no ICMP errors: their answer cards are not the truth's to judge (truth.ts).
      const judged = new Set(truthAnswers(report).map((a) => `${a.proto} ${a.server}`));
      const cards = await page.$$eval('#answer .answer-card', (els) =>
        els.map((e) => ({ key: `${e.getAttribute('data-proto')} ${e.getAttribute('data-server')}`, sources: [...e.querySelectorAll('.sees')].map((s) => s.getAttribute('data-source')!) })),
      );
      const shown = cards.filter((c) => judged.has(c.key)).flatMap((c) => c.sources);
      // A flow the case lost before the server (pod-egress-node-only: the partner was captured for the
      // truth only) can show just its last source in the case; the partner's address must not appear.
      const beyond = truth.flows.filter((f) => f.lastInCase !== undefined);
      const expected = beyond.length === 0 ? truth.partnerSees : truth.flows.map((f) => f.lastInCase?.src.address ?? f.serverSees.address);
      expect([...new Set(shown)].sort()).toEqual([...new Set(expected)].sort());
      for (const f of beyond) expect(shown).not.toContain(f.serverSees.address);
      for (const a of report.answers) {
        const card = page.locator(`#answer .answer-card[data-server="${a.server}"][data-proto="${a.proto}"]`);
        await expect(card.count()).resolves.toBe(1);
        const text = await card.innerText();
        for (const s of a.sources) expect(text).toContain(s);
        expect(text).toContain(a.tunnels.length > 0 ? `crossed ${a.tunnels.join(', ')}` : 'no tunnel');
        for (const t of a.translations) expect(text).toContain(t);
      }
      await saveScreenshot(page, `${scenario}.png`, true);
    });

    it('has every flow (table row and details) and every translation (list and diagram)', async () => {
      const ids = await page.$$eval('#flows tbody tr', (rows) => rows.map((r) => Number(r.getAttribute('data-flow'))));
      expect(ids).toEqual(report.flows.map((f) => f.id));
      const drawn = new Set((await page.$$eval('figure.path-figure', (fs) => fs.map((f) => f.getAttribute('data-flows')!))).flatMap((s) => s.split(' ').map(Number)));
      for (const f of report.flows) {
        await expect(page.locator(`details.flow#flow-${f.id}`).count()).resolves.toBe(1);
        const multiPoint = f.legs.length > 1 || f.legs[0]!.hops.length > 1;
        if (multiPoint) expect(drawn.has(f.id), `flow ${f.id} is in a diagram`).toBe(true);
        for (const [i, t] of f.translations.entries()) {
          const item = page.locator(`li.translation[data-flow="${f.id}"][data-tx="${i}"]`);
          await expect(item.getAttribute('data-kind')).resolves.toBe(t.kind);
          await expect(item.getAttribute('data-before')).resolves.toBe(t.kind === 'SNAT' ? t.before.src : t.before.dst);
          await expect(item.getAttribute('data-after')).resolves.toBe(t.kind === 'SNAT' ? t.after.src : t.after.dst);
          expect(await item.textContent()).toContain(t.description);
        }
        for (const leak of f.leaks) expect(await page.locator(`li.leak[data-flow="${f.id}"]`).allTextContents()).toContainEqual(expect.stringContaining(leak.description));
      }
      // Leaks are marked in red on the diagram too.
      if (report.totals.leaks > 0) expect(await page.locator('svg.path text.addr.leak').count()).toBeGreaterThan(0);
      // Each diagram draws its flow's translations, with the rule's full text in the hover title.
      for (const fig of await page.$$eval('figure.path-figure', (fs) => fs.map((f) => Number(f.getAttribute('data-flows')!.split(' ')[0])))) {
        const f = report.flows.find((x) => x.id === fig)!;
        for (const [i, t] of f.translations.entries()) {
          const g = page.locator(`svg.path g.tx[data-flow="${f.id}"][data-tx="${i}"]`);
          await expect(g.count()).resolves.toBe(1);
          const title = await g.locator('title').textContent();
          expect(title).toContain(t.description);
          if (t.rule !== null) expect(title).toContain(t.rule.text);
        }
      }
    });

    it('draws diagrams whose labels do not overlap in the real font', async () => {
      expect(await textCollisions(page)).toEqual([]);
      const first = page.locator('figure.path-figure').first();
      if ((await first.count()) > 0) await saveScreenshot(first, `${scenario}-path.png`);
    });

    it("keeps each snapshot's file name whole at desktop width", async () => {
      // Two lines of a name are over twice its font size high; break-all once cut "ip-addr.txt".
      // (A capture's whole path may still break when wider than its column.)
      const cut = await page.$$eval('table.inputs .file[title]', (els) =>
        els.filter((e) => e.getBoundingClientRect().height > 2 * parseFloat((globalThis as unknown as InPage).getComputedStyle(e).fontSize)).map((e) => e.textContent),
      );
      expect(cut).toEqual([]);
    });

    it('sorts the flows table by clicking a header, both ways', async () => {
      const packets = new Map(report.flows.map((f) => [f.id, f.legs.reduce((n, l) => Math.max(n, l.packets), 0)]));
      await clickSort(page, 'packets');
      let rows = await visibleRows(page);
      expect(rows.map((id) => packets.get(id)!)).toEqual([...rows.map((id) => packets.get(id)!)].sort((a, b) => a - b));
      await expect(page.getAttribute('#flows th[data-key="packets"]', 'aria-sort')).resolves.toBe('ascending');
      await clickSort(page, 'packets');
      rows = await visibleRows(page);
      expect(rows.map((id) => packets.get(id)!)).toEqual([...rows.map((id) => packets.get(id)!)].sort((a, b) => b - a));
      await clickSort(page, 'id');
      await clickSort(page, 'id');
      expect(await visibleRows(page)).toEqual(report.flows.map((f) => f.id).sort((a, b) => b - a).slice(0, 50));
      await clickSort(page, 'id');
      expect(await visibleRows(page)).toEqual(report.flows.map((f) => f.id).slice(0, 50));
    });

    it('filters the flows table by typing and choosing', async () => {
      const all = report.flows.map((f) => f.id);
      // An address: the flows that carried it anywhere on their path.
      const probe = report.flows.find((f) => f.translations.length > 0) ?? report.flows[report.flows.length - 1]!;
      const address = probe.client;
      await page.fill('#flt-text', address);
      const carried = report.flows.filter((f) => f.legs.some((l) => l.hops.some((h) => h.src.includes(address) || h.dst.includes(address)))).map((f) => f.id);
      expect(await visibleRows(page)).toEqual(carried);
      expect(carried).toContain(probe.id);
      await expect(page.textContent('#flt-count')).resolves.toBe(carried.length === all.length ? `${all.length} flows` : `${carried.length} of ${all.length} flows`);
      await page.fill('#flt-text', '');
      expect(await visibleRows(page)).toEqual(all.slice(0, 50));

      for (const proto of new Set(report.flows.map((f) => f.proto))) {
        await page.selectOption('#flt-proto', proto);
        expect(await visibleRows(page)).toEqual(report.flows.filter((f) => f.proto === proto).map((f) => f.id));
      }
      await page.selectOption('#flt-proto', '');
      const host = report.hosts[report.hosts.length - 1]!.name;
      await page.selectOption('#flt-host', host);
      expect(await visibleRows(page)).toEqual(report.flows.filter((f) => f.legs.some((l) => l.host === host)).map((f) => f.id));
      await page.selectOption('#flt-host', '');
      await page.selectOption('#flt-nat', 'translated');
      expect(await visibleRows(page)).toEqual(report.flows.filter((f) => f.translations.length > 0).map((f) => f.id));
      await page.selectOption('#flt-nat', 'none');
      expect(await visibleRows(page)).toEqual(report.flows.filter((f) => f.translations.length === 0).map((f) => f.id));
      await page.selectOption('#flt-nat', '');
      await page.selectOption('#flt-tunnel', 'yes');
      expect(await visibleRows(page)).toEqual(report.flows.filter((f) => f.tunnels.length > 0).map((f) => f.id));
      await page.selectOption('#flt-tunnel', '');
    });

    it("opens a flow's details from its number in the table", async () => {
      const f = report.flows[report.flows.length - 1]!;
      await page.click(`#flows tr[data-flow="${f.id}"] a`);
      // hashchange fires after the click returns.
      // A function, not a string: the report's CSP forbids eval, and must.
      await page.waitForFunction((id) => (globalThis as unknown as InPage).document.getElementById(`flow-${id}`)?.open === true, f.id, { timeout: 5000 });
      await expect(page.locator(`#flow-${f.id} table.hops`).isVisible()).resolves.toBe(true);
    });

    it('made no request, logged no error', () => {
      expectClean(problems);
    });
  });

  it('prints with every detail open and the table whole', async () => {
    const scenario = scenarios.includes('pod-egress-natgw') ? 'pod-egress-natgw' : scenarios[0]!;
    const file = join(scratch, `${scenario}-print.html`);
    writeFileSync(file, renderHtml(await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] })));
    const { page, problems } = await openReport(browser, file);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => (globalThis as unknown as InPage).dispatchEvent(new Event('beforeprint')));
    const closed = await page.$$eval('details', (ds) => ds.filter((d) => !(d as unknown as { open: boolean }).open).length);
    expect(closed).toBe(0);
    await expect(page.locator('.controls').isVisible()).resolves.toBe(false);
    await saveScreenshot(page, `${scenario}-print.png`, true);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    saveArtifact(`${scenario}.pdf`, pdf);
    expectClean(problems);
    await page.close();
  });

  it.runIf(scenarios.includes('pod-egress-natgw'))('shows hostile host and file names as text and runs none of them', async () => {
    const hostile = join(scratch, 'hostile');
    cpSync(join(SAMPLES, 'pod-egress-natgw'), hostile, { recursive: true });
    const host = `natgw<img src=x onerror=alert(1)>"'&`;
    renameSync(join(hostile, 'natgw'), join(hostile, host));
    renameSync(join(hostile, host, 'capture.pcap'), join(hostile, host, `"><svg onload=alert(2)>.pcap`));
    const report = await runAnalyze({ paths: [hostile], hosts: [] });
    expect(report.hosts.map((h) => h.name)).toContain(host);
    const file = join(scratch, 'hostile.html');
    writeFileSync(file, renderHtml(report));
    const { page, problems } = await openReport(browser, file);
    const hostCells = await page.$$eval('#inputs tr[data-host] th', (ths) => ths.map((th) => [th.parentElement!.getAttribute('data-host'), th.textContent]));
    expect(hostCells).toContainEqual([host, host]);
    expect(await page.locator('#inputs').innerText()).toContain(`"><svg onload=alert(2)>.pcap`);
    expect(await page.$$eval('svg.path .host-name', (ts) => ts.map((t) => t.textContent))).toContain(host);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expectClean(problems);
    await saveScreenshot(page, 'hostile-names.png', true);
    await page.close();
  });

  it.runIf(scenarios.includes('pod-egress-natgw'))('breaks a capture path wider than its column only after a slash', async () => {
    // Snapshot names break between their folder and their names; a capture's whole path used to
    // break anywhere ("capt / ure.pcap") when wider than its column.
    const deep = join(scratch, 'incident-2026-12-07-partner-whitelist-rejects', 'collected-on-the-nodes-by-natpath', 'pod-egress-natgw');
    cpSync(join(SAMPLES, 'pod-egress-natgw'), deep, { recursive: true });
    renameSync(join(deep, 'node1', 'capture.pcap'), join(deep, 'node1', 'node1-any-interface-capture.pcap'));
    const report = await runAnalyze({ paths: [deep], hosts: [] });
    const file = join(scratch, 'deep-paths.html');
    writeFileSync(file, renderHtml(report));
    for (const width of [1280, 760, 390]) {
      const { page, problems } = await openReport(browser, file, { width, height: 900 });
      const paths = await page.$$eval('table.inputs .file-path', (els) =>
        els.map((e) => {
          const font = parseFloat((globalThis as unknown as InPage).getComputedStyle(e).fontSize);
          const pieces = [...e.querySelectorAll('.file-piece')];
          return {
            text: e.textContent,
            title: e.getAttribute('title'),
            // A piece on two lines is over twice its font size high.
            cut: pieces.filter((p) => p.getBoundingClientRect().height > 2 * font).map((p) => p.textContent),
            lines: new Set(pieces.map((p) => Math.round(p.getBoundingClientRect().top))).size,
          };
        }),
      );
      const captures = report.hosts.flatMap((h) => h.captures.map((c) => c.file));
      expect(paths.map((p) => p.text)).toEqual(captures);
      expect(paths.map((p) => p.title)).toEqual(captures);
      // No piece is cut where the column can hold it; the longest piece here is 46 characters. Nor is a snapshot's name.
      if (width >= 760) {
        expect(paths.flatMap((p) => p.cut), `width ${width}`).toEqual([]);
        const names = await page.$$eval('table.inputs .file[title]', (els) =>
          els.filter((e) => e.getBoundingClientRect().height > 2 * parseFloat((globalThis as unknown as InPage).getComputedStyle(e).fontSize)).map((e) => e.textContent),
        );
        expect(names, `width ${width}`).toEqual([]);
        // Nothing wider than the page.
        expect(await page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.scrollWidth), `width ${width}`).toBeLessThanOrEqual(width);
      }
      // The paths are wider than their column: they did wrap, between pieces.
      expect(Math.max(...paths.map((p) => p.lines)), `width ${width}`).toBeGreaterThan(1);
      expectClean(problems);
      if (width === 760) await saveScreenshot(page.locator('#inputs'), 'deep-capture-paths.png');
      await page.close();
    }
  });

  it('pages, sorts and filters 500 flows', async () => {
    const flows = Array.from({ length: 500 }, (_, i) => makeFlow(i + 1, podEgressPath(30000 + i), i % 5 === 0 ? 'udp' : 'tcp'));
    const file = join(scratch, 'five-hundred.html');
    writeFileSync(file, renderHtml(makeReport(flows)));
    const { page, problems } = await openReport(browser, file);
    const ids = flows.map((f) => f.id);
    expect(await visibleRows(page)).toEqual(ids.slice(0, 50));
    await expect(page.textContent('#pg-info')).resolves.toBe('page 1 of 10');
    await page.click('#pg-next');
    expect(await visibleRows(page)).toEqual(ids.slice(50, 100));
    await page.click('#pg-prev');
    await page.selectOption('#flt-proto', 'udp');
    expect(await visibleRows(page)).toEqual(ids.filter((id) => (id - 1) % 5 === 0).slice(0, 50));
    await expect(page.textContent('#flt-count')).resolves.toBe('100 of 500 flows');
    await page.fill('#flt-text', '10.244.1.2:30499');
    expect(await visibleRows(page)).toEqual([]);
    await page.fill('#flt-text', '10.244.1.2:30495');
    expect(await visibleRows(page)).toEqual([496]);
    await page.selectOption('#flt-proto', '');
    await page.fill('#flt-text', '');
    await clickSort(page, 'client');
    await clickSort(page, 'client');
    expect((await visibleRows(page))[0]).toBe(500);
    expect(await page.locator('svg.path').count()).toBe(2); // one path shape per protocol
    expectClean(problems);
    await saveScreenshot(page, 'five-hundred-flows.png');
    await page.close();
  });
});
