/**
 * `sounding report` in Firefox: the HTML file the CLI writes is opened from disk (file://) in headless
 * Firefox (Debian firefox-esr) driven over WebDriver BiDi by puppeteer-core, on the bundled traces and
 * on the hostile fixture (tests/fixtures/hostile). Checked: the page renders (table rows, the figures'
 * marks), the search filters the table, a slider move (a real key press) gives every rollout the
 * reward the library computes for the new setting, no request leaves the page, and hostile payloads
 * stay text; a control shows the same payloads run once written raw into the page without its policy,
 * and that the request listener sees an http request such a page makes (so the checks can fail).
 *
 * The only request Firefox reports besides those is a `data:` URL: the list-bullet font of its own
 * user-agent style sheet (`-moz-bullet-font` in html.css, for the guardrail list), inline data that
 * goes nowhere. Anything else (http, https, ws, another file) fails the test.
 *
 * Needs Firefox at /usr/bin/firefox-esr (or SOUNDING_FIREFOX); skipped without it unless
 * SOUNDING_REQUIRE_FIREFOX=1.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTrajectories, rewardConfig, type Trajectory } from "../../lib/index.js";
import { cli, tmpDir } from "../helpers.js";
import { HOSTILE, libraryRewards, OUT, TRACES } from "./report-expected.js";

declare const window: any;
declare const document: any;

const FIREFOX = process.env.SOUNDING_FIREFOX ?? "/usr/bin/firefox-esr";
const REQUIRED = process.env.SOUNDING_REQUIRE_FIREFOX === "1";
const HAVE = existsSync(FIREFOX);

if (!HAVE && !REQUIRED) console.warn(`report Firefox tests skipped: no Firefox at ${FIREFOX}`);

interface Opened {
  page: Page;
  requests: string[];
  errors: string[];
  dialogs: string[];
}

/** Requests that could leave the page: everything but inline `data:` URLs and the file itself. */
const leaving = (o: Opened, file: string) =>
  o.requests.filter((u) => !u.startsWith("data:") && u !== pathToFileURL(file).href);

async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1800 });
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(String((e as Error).message ?? e)));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("body[data-ready='1'][data-text='1']", { timeout: 60_000 });
  return { page, requests, errors, dialogs };
}

const shown = (page: Page) =>
  page.$eval("#rollouts .count", (e: any) => Number(e.getAttribute("data-count"))) as Promise<number>;

describe.skipIf(!HAVE && !REQUIRED)(
  "sounding report in headless Firefox (WebDriver BiDi)",
  { timeout: 240_000 },
  () => {
    let browser: Browser;
    let dir: string;
    let tracesHtml: string;
    let hostileHtml: string;
    let trajectories: Trajectory[];
    /**
     * The control's http request goes to a server on this machine that counts what it is asked for
     * (Firefox does not report file:// loads over BiDi, so the control shows the listener at work on an
     * http one, and the server shows the request was really made).
     */
    let server: Server;
    const hits: string[] = [];
    let probe = "";

    beforeAll(async () => {
      server = createServer((req, res) => {
        hits.push(req.url ?? "");
        res.writeHead(404).end();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      probe = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sounding-control.png`;
      browser = await puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true });
      dir = tmpDir("report-firefox-");
      tracesHtml = join(dir, "traces.html");
      hostileHtml = join(dir, "hostile.html");
      const a = cli(["report", TRACES, "--out", tracesHtml]);
      expect(a.code, a.stderr).toBe(0);
      const b = cli(["report", HOSTILE, "--out", hostileHtml]);
      expect(b.code, b.stderr).toBe(0);
      trajectories = (await loadTrajectories([TRACES])).trajectories;
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      server?.close();
    });

    it("opens from disk and renders: table, figures, a search, a slider move; nothing leaves", async () => {
      const o = await open(browser, tracesHtml);
      const { page } = o;
      expect(o.errors).toEqual([]);
      expect(await page.evaluate(() => navigator.userAgent)).toContain("Firefox");
      expect(await shown(page)).toBe(trajectories.length);
      expect(await page.$$eval("#rollouts tbody tr", (trs) => trs.length)).toBe(Math.min(50, trajectories.length));
      // every figure drew its marks, and the tuner's histogram its bars
      const marks = await page.$$eval("figure[data-fig]", (fs: any[]) =>
        fs.map((f) => f.querySelectorAll(".mark").length),
      );
      expect(marks.length).toBeGreaterThanOrEqual(5);
      for (const n of marks) expect(n).toBeGreaterThan(0);
      expect(await page.$$eval(".hist rect.mark:not([display])", (rs) => rs.length)).toBeGreaterThan(0);
      await page.screenshot({ path: join(OUT, "report-firefox.png") as `${string}.png` });

      // the search: a word of one tool response that few rollouts hold
      const t = trajectories.find((x) => x.calls.some((c) => (c.response ?? "").length > 200))!;
      const words = (t.calls.find((c) => (c.response ?? "").length > 200)!.response ?? "")
        .toLowerCase()
        .match(/[a-z]{7,}/g)!;
      const haystack = (x: Trajectory) =>
        [
          x.id,
          x.question,
          x.finalAnswer ?? "",
          ...x.goldAnswers,
          ...x.calls.flatMap((c) => [...c.queries, ...c.urls, c.goal ?? "", c.response ?? "", c.arguments]),
          ...x.steps.flatMap((s) => [s.text, s.reasoning]),
        ]
          .join("\n")
          .toLowerCase();
      const counts = words.map((w) => trajectories.filter((x) => haystack(x).includes(w)).length);
      const k = counts.indexOf(Math.min(...counts));
      expect(counts[k]).toBeLessThan(trajectories.length);
      await page.type("#search", words[k]!);
      await page.waitForFunction(
        (n: number) => Number(document.querySelector("#rollouts .count").getAttribute("data-count")) === n,
        { timeout: 10_000 },
        counts[k]!,
      );
      const ids = await page.$$eval("#rollouts tbody tr td:first-child", (tds: any[]) =>
        tds.map((td) => td.textContent),
      );
      expect(ids).toContain(t.id);

      // a slider moved by a key press: every rollout gets the library's reward for the new setting
      const before: Array<{ key: string; reward: number }> = await page.evaluate(() => window.soundingReport.rewards());
      await page.focus("input[data-knob='c1']");
      for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
      const cfg = await page.evaluate(() => window.soundingReport.config());
      expect(cfg.c1).not.toBe(rewardConfig({}).c1);
      const after: Array<{ key: string; reward: number }> = await page.evaluate(() => window.soundingReport.rewards());
      const exact = await libraryRewards(trajectories, cfg);
      expect(after.length).toBe(trajectories.length);
      for (const x of after) expect(x.reward, x.key).toBe(exact.get(x.key));
      expect(after.filter((x, i) => x.reward !== before[i]!.reward).length).toBeGreaterThan(0);
      const times: Array<{ total: number }> = await page.evaluate(() => window.soundingReport.updateTimes());
      expect(times.length).toBeGreaterThan(0);
      expect(times.length).toBeLessThanOrEqual(5);
      expect(leaving(o, tracesHtml)).toEqual([]);
      await page.close();
    });

    it("a hostile trace stays text: nothing runs, no markup, http(s) links only, nothing leaves", async () => {
      const o = await open(browser, hostileHtml);
      const { page } = o;
      expect(o.errors).toEqual([]);
      expect(await page.$eval("#rollouts tbody tr td", (td: any) => td.textContent)).toContain('<img src="x" onerror=');
      await page.click("#rollouts tbody tr");
      // the viewer's frame is sandboxed without scripts; same-origin, so the page reads it
      await page.waitForFunction(
        () => document.querySelector("iframe.trajectory")?.contentDocument?.querySelector(".sounding-trajectory"),
        { timeout: 20_000 },
      );
      expect(await page.$eval("iframe.trajectory", (f: any) => f.getAttribute("sandbox"))).not.toContain(
        "allow-scripts",
      );
      const found = await page.evaluate(() => {
        const docs = [document, ...[...document.querySelectorAll("iframe")].map((f: any) => f.contentDocument)];
        return docs.map((d: any) => {
          d.querySelectorAll("details").forEach((x: any) => (x.open = true));
          const all = [...d.querySelectorAll("*")];
          return {
            scripts: all.filter((e: any) => e.tagName === "SCRIPT" && (e.textContent ?? "").includes("Pwned")).length,
            handlers: all.filter((e: any) => [...e.attributes].some((a: any) => /^on/i.test(a.name))).length,
            jsLinks: all.filter((e: any) => /^\s*javascript:/i.test(e.getAttribute("href") ?? "")).length,
            imgs: d.querySelectorAll('img[src="x"]').length,
            links: [...d.querySelectorAll("a[href]")].map((a: any) => a.getAttribute("href")),
          };
        });
      });
      expect(found.length).toBeGreaterThan(1);
      for (const f of found) {
        expect(f).toMatchObject({ scripts: 0, handlers: 0, jsLinks: 0, imgs: 0 });
        expect(f.links.every((h: string) => /^https?:\/\//.test(h))).toBe(true);
      }
      const text = await page.evaluate(
        () =>
          document.querySelector("iframe.trajectory").contentDocument.querySelector(".sounding-trajectory").textContent,
      );
      expect(text).toContain("<script>window.__soundingPwned");
      // the page's policy blocks markup injected past the escaping too
      await page.evaluate(() =>
        document.body.insertAdjacentHTML("beforeend", '<img src="x" onerror="window.__soundingPwned=1">'),
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(await page.evaluate(() => window.__soundingPwned)).toBeUndefined();
      expect(o.dialogs).toEqual([]);
      await page.screenshot({ path: join(OUT, "report-firefox-hostile.png") as `${string}.png` });
      await page.close();

      // control: the fixture's payloads written raw into the file without its policy run in this Firefox,
      // and an image from an http address on that page is seen by the same listener
      const question = JSON.parse(readFileSync(HOSTILE, "utf8").split("\n")[0]!).question as string;
      const html = readFileSync(hostileHtml, "utf8")
        .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "")
        .replace("</body>", `<div>${question}</div><img src="${probe}" alt=""></body>`);
      const control = join(dir, "control.html");
      writeFileSync(control, html);
      const c = await browser.newPage();
      const seen: string[] = [];
      c.on("request", (r) => seen.push(r.url()));
      c.on("dialog", (d) => void d.dismiss());
      await c.goto(pathToFileURL(control).href);
      await c.waitForFunction(() => (window.__soundingPwned ?? 0) >= 1, { timeout: 20_000 });
      await c.waitForFunction(
        (u: string) => document.querySelector(`img[src="${u}"]`)?.complete,
        { timeout: 20_000 },
        probe,
      );
      expect(seen).toContain(probe);
      expect(hits).toContain("/sounding-control.png");
      await c.close();
      // and the hostile page itself asked for nothing
      expect(leaving(o, hostileHtml)).toEqual([]);
      expect(hits).toEqual(["/sounding-control.png"]);
    });
  },
);
