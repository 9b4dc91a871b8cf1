/**
 * `sounding report` in a real browser: the HTML file the CLI writes is opened from disk (file://)
 * in headless Debian Chromium through playwright-core, on the bundled traces and on the hostile
 * fixture (tests/fixtures/hostile). Checked: no request leaves the page (the only request is the
 * file itself); the search and a click on a figure mark filter the table to the right rollouts;
 * moving the tuner's sliders to a setting gives every rollout the reward `sounding reward --config`
 * gives it for that setting (exactly); hostile payloads stay text, and a control shows the same
 * payloads do run once written raw into the page without its policy (so the checks can fail).
 *
 * Needs `/usr/bin/chromium`; skipped without it unless SOUNDING_REQUIRE_BROWSER=1.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadTrajectories, trajectoryKey, type Trajectory } from "../../lib/index.js";
import { roundNumber } from "../../lib/cli/output.js";
import { cli, tmpDir } from "../helpers.js";
import { HOSTILE, libraryRewards, OUT, TRACES } from "./report-expected.js";

declare const window: any;
declare const document: any;
declare const requestAnimationFrame: any;

const CHROMIUM = process.env.SOUNDING_CHROMIUM ?? "/usr/bin/chromium";
const REQUIRED = process.env.SOUNDING_REQUIRE_BROWSER === "1";
const HAVE = existsSync(CHROMIUM);

if (!HAVE && !REQUIRED) console.warn(`report browser tests skipped: no Chromium at ${CHROMIUM}`);

interface Opened {
  page: Page;
  requests: string[];
  errors: string[];
  dialogs: string[];
}

async function open(browser: Browser, file: string, width = 1400): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width, height: 1800 } });
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("body[data-ready='1'][data-text='1']", { timeout: 30_000 });
  return { page, requests, errors, dialogs };
}

/** A number as a table cell shows it (4 decimals, integers bare), read back. */
const roundTo = (x: number) => (Number.isInteger(x) ? x : Number(x.toFixed(4)));

const shown = (page: Page) => page.locator("#rollouts .count").getAttribute("data-count").then(Number);

/** Every piece of text a search looks at, lower-cased (an independent reading of the trajectory). */
function textOf(t: Trajectory): string {
  const calls = t.calls.flatMap((c) => [...c.queries, ...c.urls, c.goal ?? "", c.response ?? "", c.arguments]);
  const steps = t.steps.flatMap((s) => [s.text, s.reasoning]);
  return [t.id, t.question, t.finalAnswer ?? "", ...t.goldAnswers, ...calls, ...steps].join("\n").toLowerCase();
}

describe.skipIf(!HAVE && !REQUIRED)("sounding report in headless Chromium", { timeout: 180_000 }, () => {
  let browser: Browser;
  let dir: string;
  let tracesHtml: string;
  let hostileHtml: string;
  let trajectories: Trajectory[];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    dir = tmpDir("report-browser-");
    tracesHtml = join(dir, "traces.html");
    hostileHtml = join(dir, "hostile.html");
    const a = cli(["report", TRACES, "--out", tracesHtml]);
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    const b = cli(["report", HOSTILE, "--out", hostileHtml]);
    expect(b.code, b.stderr).toBe(0);
    trajectories = (await loadTrajectories([TRACES])).trajectories;
    mkdirSync(OUT, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("opens from disk on the bundled traces, says what it holds, and requests nothing", async () => {
    const { page, requests, errors } = await open(browser, tracesHtml);
    expect(errors).toEqual([]);
    expect(await shown(page)).toBe(trajectories.length);
    expect(await page.locator("#sample-note").innerText()).toContain(`All ${trajectories.length} rollouts`);
    // a row opens its trajectory (the notebook's viewer, in a sandboxed frame), its group and a diff
    await page.locator("#rollouts tbody tr").first().click();
    await page
      .locator("#rollouts tbody tr")
      .nth(3)
      .click({ modifiers: ["Shift"] });
    const frame = page.frameLocator("iframe.trajectory");
    await expect.poll(() => frame.locator(".sounding-trajectory").count()).toBe(1);
    expect(await page.locator("iframe.diff").count()).toBe(1);
    expect(await page.locator("iframe.trajectory").getAttribute("sandbox")).not.toContain("allow-scripts");
    await page.screenshot({ path: join(OUT, "report-traces.png"), fullPage: true });
    expect(requests).toEqual([pathToFileURL(tracesHtml).href]);
    await page.close();
  });

  it("the search filters the table to the rollouts whose text holds the words", async () => {
    const { page } = await open(browser, tracesHtml);
    // a word from one tool response that few rollouts contain
    const t = trajectories.find((x) => x.calls.some((c) => (c.response ?? "").length > 200))!;
    const words = (t.calls.find((c) => (c.response ?? "").length > 200)!.response ?? "")
      .toLowerCase()
      .match(/[a-z]{7,}/g)!;
    const counts = words.map((w) => trajectories.filter((x) => textOf(x).includes(w)).length);
    const k = counts.indexOf(Math.min(...counts));
    const word = words[k]!;
    expect(counts[k]).toBeLessThan(trajectories.length);
    await page.locator("#search").fill(word);
    expect(await shown(page)).toBe(counts[k]);
    const ids = await page.locator("#rollouts tbody tr td:first-child").allInnerTexts();
    expect(ids).toContain(t.id);
    // a column filter narrows it further: numbers by comparison
    await page.locator("#search").fill("");
    await page.locator("input[data-filter-col='T']").fill(">10");
    expect(await shown(page)).toBe(trajectories.filter((x) => x.calls.length > 10).length);
    await page.close();
  });

  it("a click on a figure mark filters the table to the rollouts behind it", async () => {
    const { page } = await open(browser, tracesHtml);
    // Fig. 1: the first bar is the first model
    const model = trajectories[0]!.provenance.model;
    await page.locator("figure[data-fig='0'] .mark").first().click();
    expect(await shown(page)).toBe(trajectories.filter((x) => x.provenance.model === model).length);
    expect(await page.locator("#rollouts .chip").innerText()).toContain(`model ${model}`);
    // the ECDF: the last point of "correct" is every correct rollout
    const ecdf = page.locator("figure[data-fig='5'] circle.mark");
    const n = await ecdf.count();
    // (its marks overlap the other series' at the top: the click goes to this element)
    await ecdf.nth(n / 2 - 1).dispatchEvent("click");
    expect(await shown(page)).toBe(trajectories.filter((x) => x.verdict === "correct").length);
    await page.locator("#rollouts .chip button").click();
    expect(await shown(page)).toBe(trajectories.length);
    await page.close();
  });

  it("sliders moved to a setting give the rewards `sounding reward --config` gives for it", async () => {
    const setting = { c1: 0.35, c2: 0.1, CS: 5, CQ: 20, Bv: 2, floor: 0.4, formatWeight: 0.05 };
    const cfgFile = join(dir, "setting.json");
    writeFileSync(cfgFile, JSON.stringify(setting));
    const r = cli(["reward", TRACES, "--config", cfgFile, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const expected = new Map<string, number>(
      (JSON.parse(r.stdout).rows as Array<{ source: { file: string }; trajectoryId: string; reward: number }>).map(
        (x) => [`${x.source.file}::${x.trajectoryId}`, x.reward],
      ),
    );
    const { page, requests } = await open(browser, tracesHtml);
    const before = await page.evaluate(() => window.soundingReport.rewards());
    // one move at a time: a frame passes between them, so each is its own update
    for (const [k, v] of Object.entries(setting)) {
      await page.locator(`input[data-knob='${k}']`).fill(String(v));
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    }
    expect(await page.evaluate(() => window.soundingReport.config())).toMatchObject(setting);
    const after: Array<{ key: string; reward: number }> = await page.evaluate(() => window.soundingReport.rewards());
    expect(after.length).toBe(expected.size);
    // the same rewards as the CLI prints (12 significant digits) and, exactly, as the library computes
    const exact = await libraryRewards(trajectories, setting);
    let changed = 0;
    after.forEach((x, i) => {
      expect(roundNumber(x.reward), x.key).toBe(expected.get(x.key));
      expect(x.reward, x.key).toBe(exact.get(x.key));
      if (x.reward !== before[i].reward) changed++;
    });
    expect(changed).toBeGreaterThan(0);
    // the table shows them, and the setting comes out as reward.json and the export command
    const first = await page.locator("#rollouts tbody tr").first().getAttribute("data-row");
    const cell = await page.locator("#rollouts tbody tr").first().locator("td").nth(13).innerText();
    expect(Number(cell)).toBeCloseTo(after[Number(first)]!.reward, 4);
    await page.locator("button[data-action='export']").click();
    expect(JSON.parse(await page.locator("textarea.reward-json").inputValue())).toMatchObject(setting);
    expect(await page.locator(".export .command").innerText()).toContain("sounding export verl --config reward.json");
    // one update per slider move, timed in the page (bench/report.mjs measures 10⁵ rollouts)
    const times: Array<{ total: number; kernel: number; views: number; layout: number }> = await page.evaluate(() =>
      window.soundingReport.updateTimes(),
    );
    expect(times.length).toBe(Object.keys(setting).length);
    for (const t of times) expect(t.total).toBeGreaterThanOrEqual(t.kernel + t.views + t.layout - 1e-6);
    const median = times.map((t) => t.kernel).sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    expect(median).toBeLessThan(50);
    await page.screenshot({ path: join(OUT, "report-tuned.png") });
    expect(requests).toEqual([pathToFileURL(tracesHtml).href]);
    await page.close();
  });

  it("moves within one frame are one update; the histogram and a reward sort follow the setting", async () => {
    const { page, errors } = await open(browser, tracesHtml);
    const verdicts = new Map(trajectories.map((t) => [trajectoryKey(t), t.verdict]));
    // five moves dispatched in one task: the first is applied at once, the others folded into one
    // update at the next frame, with the last value
    const folded = await page.evaluate(async () => {
      const input = document.querySelector("input[data-knob='c1']");
      const before = window.soundingReport.updateTimes().length;
      for (const v of [0.2, 0.25, 0.3, 0.35, 0.4]) {
        input.value = String(v);
        input.dispatchEvent(new Event("input"));
      }
      const atOnce = window.soundingReport.updateTimes().length - before;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return {
        atOnce,
        inAll: window.soundingReport.updateTimes().length - before,
        c1: window.soundingReport.config().c1,
      };
    });
    expect(folded).toEqual({ atOnce: 1, inAll: 2, c1: 0.4 });
    type Reward = { key: string; reward: number };
    const rewards = (): Promise<Reward[]> => page.evaluate(() => window.soundingReport.rewards());
    // a bar of the histogram filters to the rollouts of its class whose reward lies in its bin
    const bins = (rs: Reward[]) => {
      const lo = Math.min(...rs.map((r) => r.reward));
      const hi = Math.max(...rs.map((r) => r.reward));
      return { lo, w: (hi - lo) / 30 };
    };
    const inBin = (rs: Reward[], verdict: string, a: number, b: number, last: boolean) =>
      rs.filter((r) => verdicts.get(r.key) === verdict && r.reward >= a && (last ? r.reward <= b : r.reward < b))
        .length;
    const now = await rewards();
    const { lo, w } = bins(now);
    const marks = page.locator(".hist rect.mark");
    const n = await marks.count();
    expect(n).toBe(60);
    // the tallest shown bar of the incorrect class (odd marks: bins in order, correct then incorrect)
    let k = -1;
    for (let j = 0; j < 30; j++) if ((await marks.nth(2 * j + 1).getAttribute("display")) !== "none") k = j;
    expect(k).toBeGreaterThanOrEqual(0);
    const a = lo + w * k;
    await marks.nth(2 * k + 1).dispatchEvent("click");
    const expected = inBin(now, "incorrect", a, a + w, k === 29);
    expect(expected).toBeGreaterThan(0);
    expect(await shown(page)).toBe(expected);
    expect(await page.locator("#rollouts .chip").innerText()).toContain(`incorrect, reward ${a.toFixed(3)}`);
    // the filter keeps its range while the setting moves: the rows behind it are counted again
    await page.locator("input[data-knob='c2']").fill("0.45");
    const moved = await rewards();
    expect(await shown(page)).toBe(inBin(moved, "incorrect", a, a + w, k === 29));
    await page.locator("#rollouts .chip button").click();
    // sorted by reward (highest first), the page shown follows each move
    await page.locator("th[data-col='reward']").click();
    for (const v of ["0.05", "0.6"]) {
      await page.locator("input[data-knob='c1']").fill(v);
      const rs = await rewards();
      const order = rs.map((r, i) => ({ ...r, i })).sort((x, y) => y.reward - x.reward || x.i - y.i);
      const rows = (await page
        .locator("#rollouts tbody tr")
        .evaluateAll((trs: any[]) => trs.map((tr) => Number(tr.getAttribute("data-row"))))) as number[];
      expect(rows).toEqual(order.slice(0, 50).map((x) => x.i));
      const cells = await page.locator("#rollouts tbody tr td:nth-child(14)").allInnerTexts();
      expect(cells.map(Number)).toEqual(order.slice(0, 50).map((x) => roundTo(x.reward)));
    }
    // the next page continues the order
    await page.locator("#rollouts .pager button").nth(1).click();
    const rs = await rewards();
    const order = rs.map((r, i) => ({ ...r, i })).sort((x, y) => y.reward - x.reward || x.i - y.i);
    const rows = (await page
      .locator("#rollouts tbody tr")
      .evaluateAll((trs: any[]) => trs.map((tr) => Number(tr.getAttribute("data-row"))))) as number[];
    expect(rows).toEqual(order.slice(50, 100).map((x) => x.i));
    // an open trajectory's group table follows the setting too
    await page.locator("input[data-filter-col='group']").fill("s1:");
    await page.locator("#rollouts tbody tr").first().click();
    await page.locator("input[data-knob='c1']").fill("0.15");
    const after = await rewards();
    const byId = new Map(after.map((r) => [r.key.split("::")[1], r.reward]));
    const groupRows = await page
      .locator(".group-table tr")
      .evaluateAll((trs: any[]) =>
        trs.slice(1).map((tr) => [...tr.querySelectorAll("td")].map((td: any) => td.textContent)),
      );
    expect(groupRows.length).toBeGreaterThan(1);
    // (the group table shows 3 decimals, integers bare)
    for (const [id, , , , now] of groupRows) {
      const r = byId.get(id)!;
      expect(now).toBe(Number.isInteger(r) ? String(r) : r.toFixed(3));
    }
    await expect.poll(() => page.locator("iframe.group").count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a hostile trace stays text: nothing runs, no markup, http(s) links only, no request", async () => {
    const { page, requests, errors, dialogs } = await open(browser, hostileHtml);
    expect(errors).toEqual([]);
    await page.locator("#rollouts tbody tr").first().click();
    const frame = page.frameLocator("iframe.trajectory");
    await expect.poll(() => frame.locator(".sounding-trajectory").count()).toBe(1);
    // the payloads are shown as text, in the table and in the viewer …
    expect(await page.locator("#rollouts tbody tr td").first().innerText()).toContain('<img src="x" onerror=');
    const text = await frame.locator(".sounding-trajectory").innerText();
    expect(text).toContain("<script>window.__soundingPwned");
    expect(text).toContain("javascript:window.__soundingPwned");
    // … none became markup, in the page or any frame
    await frame.locator("details").evaluateAll((ds: any[]) => ds.forEach((d) => (d.open = true)));
    for (const f of page.frames()) {
      const found = await f.evaluate(() => {
        const all = [...document.querySelectorAll("*")];
        return {
          scripts: all.filter((e: any) => e.tagName === "SCRIPT" && (e.textContent ?? "").includes("Pwned")).length,
          handlers: all.filter((e: any) => [...e.attributes].some((a: any) => /^on/i.test(a.name))).length,
          jsLinks: all.filter((e: any) => /^\s*javascript:/i.test(e.getAttribute("href") ?? "")).length,
          imgs: document.querySelectorAll('img[src="x"]').length,
          links: [...document.querySelectorAll("a[href]")].map((a: any) => a.getAttribute("href")),
          pwned: window.__soundingPwned,
        };
      });
      expect(found).toMatchObject({ scripts: 0, handlers: 0, jsLinks: 0, imgs: 0, pwned: undefined });
      expect(found.links.every((h: string) => /^https?:\/\//.test(h))).toBe(true);
    }
    for (const a of await frame.locator("a[href]").all()) await a.hover({ force: true }).catch(() => undefined);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__soundingPwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(hostileHtml).href]);
    // the page's policy blocks markup injected past the escaping too
    await page.evaluate(() =>
      document.body.insertAdjacentHTML("beforeend", '<img src="x" onerror="window.__soundingPwned=1">'),
    );
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__soundingPwned)).toBeUndefined();
    await page.screenshot({ path: join(OUT, "report-hostile.png"), fullPage: true });
    await page.close();

    // control: the fixture's payloads written raw into the same file without its policy do run here
    const raw = readFileSync(HOSTILE, "utf8").split("\n")[0]!;
    const question = JSON.parse(raw).question as string;
    const html = readFileSync(hostileHtml, "utf8")
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "")
      .replace("</body>", `<div>${question}</div></body>`);
    const control = join(dir, "control.html");
    writeFileSync(control, html);
    const c = await browser.newPage();
    c.on("dialog", (d) => void d.dismiss());
    await c.goto(pathToFileURL(control).href);
    await c.waitForFunction(() => (window.__soundingPwned ?? 0) >= 1, null, { timeout: 10_000 });
    await c.close();
  });

  it("every rollout of the traces is in the page once, under its key", async () => {
    const { page } = await open(browser, tracesHtml);
    const keys: string[] = (await page.evaluate(() => window.soundingReport.rewards())).map((x: any) => x.key);
    expect(new Set(keys)).toEqual(new Set(trajectories.map(trajectoryKey)));
    expect(keys.length).toBe(trajectories.length);
    await page.close();
  });
});
