/**
 * The main door, in a real browser: JupyterLab (the venv `scripts/setup.sh` makes) served on
 * loopback, driven by headless Debian Chromium through playwright-core. `01-tour` is run from the
 * UI ("Run All Cells"): the trajectory viewer and the plotly chart must render and be visible in
 * a screenshot, and the viewer's "show all", the picker and the links work; on a hostile trace
 * (tests/fixtures/hostile) no payload may run. Then EVERY notebook is run from the UI with
 * `SOUNDING_TRACES` pointing at a freshly generated verl file, screenshotted
 * (`.ci/out/browser-<notebook>.png`), and measured: no output may be wider than its pane.
 *
 * "Wider than its pane": an output area (`.jp-OutputArea-output`) whose `scrollWidth` exceeds its
 * `clientWidth` (+1 px rounding), or whose right edge passes the notebook's. A view that scrolls
 * horizontally by design (the diff and group views wrap their table in an `overflow-x:auto` box)
 * is fine: its scroller stays inside the output, so the output itself does not overflow.
 *
 * Needs `/usr/bin/chromium` (Debian package `chromium`; `.ci/run` installs it). Without it the
 * tests are skipped, unless SOUNDING_REQUIRE_BROWSER=1 (set by `.ci/run`), where they fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { generateTraces, loadTrajectories } from "../../lib/index.js";
import { ROOT, tmpDir } from "../helpers.js";

// the callbacks given to page.evaluate / waitForFunction run in the browser; the type-check (no DOM
// lib for the Node code) only needs their names
declare const window: any;
declare const document: any;
type HTMLDetailsElement = { open: boolean };

const CHROMIUM = process.env.SOUNDING_CHROMIUM ?? "/usr/bin/chromium";
const JUPYTER = join(ROOT, ".venv", "bin", "jupyter");
const REQUIRED = process.env.SOUNDING_REQUIRE_BROWSER === "1";
const HAVE = existsSync(CHROMIUM);
const HOSTILE = join(ROOT, "tests", "fixtures", "hostile", "hostile-fathom.jsonl");
const TOUR = join(ROOT, "notebooks", "01-tour.ipynb");
const NOTEBOOKS = readdirSync(join(ROOT, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

if (!HAVE && !REQUIRED)
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

interface Lab {
  url: string;
  /** The URL that opens a notebook in a workspace of its own (no tab restored from another run). */
  open: (nb: string) => string;
  proc: ChildProcess;
  log: () => string;
}

/** JupyterLab on 127.0.0.1 with a random token, autosave off and settings/workspaces in a temp dir. */
async function startLab(env: Record<string, string>): Promise<Lab> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const dir = tmpDir("lab-");
  const settings = join(dir, "settings");
  mkdirSync(join(settings, "@jupyterlab", "docmanager-extension"), { recursive: true });
  // the test must never write the notebook back into the repository
  writeFileSync(
    join(settings, "@jupyterlab", "docmanager-extension", "plugin.jupyterlab-settings"),
    JSON.stringify({ autosave: false }),
  );
  mkdirSync(join(settings, "@jupyterlab", "notebook-extension"), { recursive: true });
  // attach every cell so one tall screenshot shows the whole notebook
  writeFileSync(
    join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"),
    JSON.stringify({ windowingMode: "none" }),
  );
  // no "get notified about Jupyter news?" toast over the screenshots
  mkdirSync(join(settings, "@jupyterlab", "apputils-extension"), { recursive: true });
  writeFileSync(
    join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
    JSON.stringify({ fetchNews: "false" }),
  );
  const args = [
    "lab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--ServerApp.token=${token}`,
    `--notebook-dir=${join(ROOT, "notebooks")}`,
    "--LabApp.expose_app_in_browser=True",
    `--LabApp.user_settings_dir=${settings}`,
    `--LabApp.workspaces_dir=${join(dir, "workspaces")}`,
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  ];
  if (process.getuid?.() === 0) args.push("--allow-root");
  let out = "";
  const proc = spawn(JUPYTER, args, {
    cwd: ROOT,
    env: { ...process.env, JUPYTER_PLATFORM_DIRS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter lab exited ${proc.exitCode}:\n${out.slice(-3000)}`);
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - t0 > 60_000) throw new Error(`jupyter lab did not start in 60 s:\n${out.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const open = (nb: string) => `${base}/lab/workspaces/w-${nb.replace(/\W/g, "")}/tree/${nb}?token=${token}`;
  return { url: `${base}/lab/tree/01-tour.ipynb?token=${token}`, open, proc, log: () => out };
}

async function stopLab(lab: Lab | undefined): Promise<void> {
  if (!lab || lab.proc.exitCode !== null) return;
  const gone = new Promise((r) => lab.proc.once("exit", r));
  lab.proc.kill("SIGTERM");
  const t = setTimeout(() => lab.proc.kill("SIGKILL"), 5000);
  await gone;
  clearTimeout(t);
}

interface Run {
  page: Page;
  dialogs: string[];
  ms: number;
}

/** Open 01-tour in the browser, wait for the kernel, Run All Cells, wait until every cell ran. */
async function runTour(browser: Browser, lab: Lab): Promise<Run> {
  return runNotebook(browser, lab.url);
}

/** Open a notebook URL, wait for the kernel, Run All Cells, wait until every cell ran. */
async function runNotebook(browser: Browser, url: string): Promise<Run> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 5200 } });
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForFunction(
    () => {
      const w = (window as any).jupyterapp?.shell?.currentWidget;
      return w?.sessionContext?.session?.kernel && w.sessionContext.kernelDisplayStatus === "idle";
    },
    null,
    { timeout: 90_000 },
  );
  const t0 = Date.now();
  if (process.env.SOUNDING_DEBUG) console.log("kernel idle; running all cells");
  await page.evaluate(() => (window as any).jupyterapp.commands.execute("notebook:run-all-cells"));
  // done when the kernel is idle again and every code cell ran, or a cell failed (Run All stops there;
  // tslab reports compile errors on stderr)
  await page.waitForFunction(
    () => {
      const w = (window as any).jupyterapp.shell.currentWidget;
      if (w.sessionContext.kernelDisplayStatus !== "idle") return false;
      const cells = w.content.widgets.filter((c: any) => c.model.type === "code");
      const failed = cells.some((c: any) =>
        c.model.outputs.toJSON().some((o: any) => o.output_type === "error" || o.name === "stderr"),
      );
      return failed || cells.every((c: any) => typeof c.model.executionCount === "number");
    },
    null,
    { timeout: 120_000, polling: 250 },
  );
  return { page, dialogs, ms: Date.now() - t0 };
}

interface Overflow {
  cell: number;
  scrollWidth: number;
  clientWidth: number;
  right: number;
  paneRight: number;
  head: string;
}

/** Outputs wider than their pane (see the file comment for the rule). */
async function overflowing(page: Page): Promise<Overflow[]> {
  return page.evaluate(() => {
    const nb = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook");
    const paneRight = nb.getBoundingClientRect().right;
    const cells = [...nb.querySelectorAll(".jp-Cell")];
    return [...nb.querySelectorAll(".jp-OutputArea-output")]
      .map((o: any) => ({
        cell: cells.findIndex((c: any) => c.contains(o)),
        scrollWidth: o.scrollWidth,
        clientWidth: o.clientWidth,
        right: Math.round(o.getBoundingClientRect().right),
        paneRight: Math.round(paneRight),
        head: (o.textContent ?? "").slice(0, 60),
      }))
      .filter((o: Overflow) => o.scrollWidth > o.clientWidth + 1 || o.right > o.paneRight + 1);
  });
}

/** Shut the notebook's kernel down and close the page (the next notebook gets the cores). */
async function closeNotebook(page: Page): Promise<void> {
  await page
    .evaluate(() => (window as any).jupyterapp.shell.currentWidget.sessionContext.shutdown())
    .catch(() => undefined);
  await page.close();
}

/** Error outputs and stderr of the notebook, as text. */
async function errors(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = (window as any).jupyterapp.shell.currentWidget;
    const out: string[] = [];
    for (const c of w.content.widgets) {
      if (c.model.type !== "code") continue;
      const o = c.model.outputs;
      for (let i = 0; i < o.length; i++) {
        const j = o.get(i).toJSON();
        if (j.output_type === "error") out.push(`${j.ename}: ${j.evalue}`);
        else if (j.name === "stderr") out.push(`stderr: ${[j.text].flat().join("")}`);
      }
    }
    return out;
  });
}

describe.skipIf(!HAVE && !REQUIRED)("JupyterLab in headless Chromium", { timeout: 240_000 }, () => {
  let browser: Browser;
  const labs: Lab[] = [];
  const tourBefore = readFileSync(TOUR);
  const before = new Map(NOTEBOOKS.map((nb) => [nb, readFileSync(join(ROOT, "notebooks", nb))]));

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium`).toBe(true);
    expect(existsSync(JUPYTER), "the Jupyter venv is missing: run `npm run setup`").toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const l of labs) await stopLab(l);
    // nothing the browser did may change the notebook in the repository
    expect(readFileSync(TOUR).equals(tourBefore)).toBe(true);
    for (const [nb, bytes] of before) expect(readFileSync(join(ROOT, "notebooks", nb)).equals(bytes), nb).toBe(true);
  });

  it("01-tour runs from the UI; the trajectory viewer and the plotly chart are on screen", async () => {
    const lab = await startLab({});
    labs.push(lab);
    const { page, dialogs, ms } = await runTour(browser, lab);
    expect(await errors(page)).toEqual([]);
    expect(dialogs).toEqual([]);

    const viewer = page.locator(".jp-OutputArea-output .sounding-trajectory").first();
    await viewer.waitFor({ state: "visible", timeout: 30_000 });
    const chart = page.locator(".jp-OutputArea .js-plotly-plot").first();
    await chart.waitFor({ state: "visible", timeout: 30_000 });

    // the chart has one marker per trajectory of the bundled traces
    const { report } = await loadTrajectories([join(ROOT, "traces")]);
    await page.waitForFunction(
      (n) => document.querySelectorAll(".js-plotly-plot .scatterlayer .point").length === n,
      report.trajectories,
      { timeout: 30_000 },
    );

    // hovering a marker shows a trajectory id and its source line
    await chart.scrollIntoViewIfNeeded();
    await page.locator(".js-plotly-plot .scatterlayer .point").first().hover({ force: true });
    await page.waitForFunction(
      () => /\.jsonl?:\d+/.test(document.querySelector(".js-plotly-plot .hoverlayer")?.textContent ?? ""),
      null,
      { timeout: 10_000 },
    );

    // the screenshot: both in the viewport, with real size
    await page.evaluate(() => window.scrollTo(0, 0));
    const vb = await viewer.boundingBox();
    const cb = await chart.boundingBox();
    const vp = page.viewportSize()!;
    for (const b of [vb, cb]) {
      expect(b).not.toBeNull();
      expect(b!.width).toBeGreaterThan(300);
      expect(b!.height).toBeGreaterThan(150);
      expect(b!.y).toBeGreaterThanOrEqual(0);
      expect(b!.y + b!.height).toBeLessThanOrEqual(vp.height);
    }
    const shot = join(ROOT, ".ci", "out", "browser-01-tour-bundled.png");
    mkdirSync(join(ROOT, ".ci", "out"), { recursive: true });
    const png = await page.screenshot({ path: shot });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    console.log(`01-tour ran from the UI in ${ms} ms; screenshot ${shot}`);

    // the viewer's "show all": the head is shown, the toggle opens the whole text
    // (a long response sits in a closed "response" details: open that first)
    const outer = viewer.locator("details:has(> details.sounding-more)").first();
    await outer.locator(":scope > summary").click();
    const more = outer.locator(":scope > details.sounding-more");
    await more.scrollIntoViewIfNeeded();
    const total = Number(/show all (\d+) characters/.exec(await more.locator("summary").innerText())?.[1]);
    expect(total).toBeGreaterThan(1200);
    const full = more.locator("pre");
    expect(await full.isVisible()).toBe(false);
    await more.locator("summary").click();
    await full.waitFor({ state: "visible", timeout: 5_000 });
    expect((await full.textContent())!.length).toBe(total);

    // links in the viewer: http(s) only, each opening a new tab without the opener
    const links = await page.evaluate(() =>
      [...document.querySelectorAll(".jp-OutputArea-output .sounding-trajectory a")].map((a: any) => ({
        href: a.getAttribute("href"),
        target: a.getAttribute("target"),
        rel: a.getAttribute("rel") ?? "",
      })),
    );
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) {
      expect(l.href).toMatch(/^https?:\/\//);
      expect(l.target).toBe("_blank");
      expect(l.rel).toContain("noopener");
    }

    // the picker: a row opens into that trajectory's viewer
    const row = page.locator(".jp-OutputArea-output .sounding-picker > details").nth(2);
    const id = await row.locator("summary b").first().innerText();
    const inner = row.locator(":scope > .sounding-trajectory");
    expect(await inner.isVisible()).toBe(false);
    await row.locator(":scope > summary").click();
    await inner.waitFor({ state: "visible", timeout: 5_000 });
    expect(await inner.locator("b").first().innerText()).toBe(id);
    const ib = await inner.boundingBox();
    expect(ib!.height).toBeGreaterThan(100);
    await page.close();
  });

  it("every notebook runs from the UI on SOUNDING_TRACES=<a generated verl file>; no output is wider than its pane", async () => {
    const [file] = await generateTraces(tmpDir("browser-verl-"), {
      format: "verl",
      seed: 11,
      prompts: 6,
      steps: 1,
      labels: false,
    });
    const lab = await startLab({ SOUNDING_TRACES: file!.path });
    labs.push(lab);
    mkdirSync(join(ROOT, ".ci", "out"), { recursive: true });
    const wide: Record<string, Overflow[]> = {};
    for (const nb of NOTEBOOKS) {
      const { page, dialogs, ms } = await runNotebook(browser, lab.open(nb));
      expect(await errors(page), nb).toEqual([]);
      expect(dialogs, nb).toEqual([]);
      // the first output says what was loaded: the generated file
      const first = await page.locator(".jp-Notebook .jp-OutputArea-output").first().innerText();
      expect(first, nb).toContain(
        `loaded SOUNDING_TRACES: 1 file, ${file!.rows} trajectories, ${file!.calls} tool calls`,
      );
      // let plotly and the SVGs lay out, then measure and take the picture
      await page.waitForTimeout(1_000);
      const over = await overflowing(page);
      if (over.length) wide[nb] = over;
      const shot = join(ROOT, ".ci", "out", `browser-${nb.replace(/\.ipynb$/, "")}.png`);
      const png = await page.screenshot({ path: shot });
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      console.log(`${nb} ran from the UI in ${ms} ms; screenshot ${shot}`);
      await closeNotebook(page);
    }
    expect(wide).toEqual({});
  }, 900_000);

  it("a hostile trace (<script>, <img onerror>, javascript: links) executes nothing", async () => {
    const lab = await startLab({ SOUNDING_TRACES: HOSTILE });
    labs.push(lab);
    const { page, dialogs } = await runTour(browser, lab);
    expect(await errors(page)).toEqual([]);
    const viewer = page.locator(".jp-OutputArea-output .sounding-trajectory").first();
    await viewer.waitFor({ state: "visible", timeout: 30_000 });
    await page.locator(".jp-OutputArea .js-plotly-plot").first().waitFor({ state: "visible", timeout: 30_000 });

    // the payloads are shown as text …
    const text = await viewer.innerText();
    expect(text).toContain("<script>window.__soundingPwned");
    expect(text).toContain('<img src="x" onerror=');
    expect(text).toContain("javascript:window.__soundingPwned");
    const problems = await page.locator(".jp-OutputArea-output table.sounding-table").nth(1).innerText();
    expect(problems).toContain("<img src=x");

    // … and none became markup
    const out = ".jp-Notebook .jp-OutputArea";
    const found = await page.evaluate((sel) => {
      const q = (s: string) => [...document.querySelectorAll(sel)].flatMap((o) => [...o.querySelectorAll(s)]);
      return {
        scripts: q("script").filter((s) => (s.textContent ?? "").includes("Pwned")).length,
        jsLinks: q("a[href]").filter((a) => /^\s*javascript:/i.test(a.getAttribute("href")!)).length,
        handlers: q("*").filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name) && a.value.includes("Pwned")))
          .length,
        iframes: q("iframe").length,
        imgs: q('img[src="x"]').length,
        links: q(".sounding-trajectory a[href]").map((a) => a.getAttribute("href")!),
      };
    }, out);
    expect(found).toMatchObject({ scripts: 0, jsLinks: 0, handlers: 0, iframes: 0, imgs: 0 });
    expect(found.links.every((h) => /^https?:\/\//.test(h))).toBe(true);

    // open every collapsible part, click every link the viewer made, hover the chart's marker
    await page.evaluate(() =>
      document
        .querySelectorAll(".sounding-trajectory details")
        .forEach((d: HTMLDetailsElement) => ((d as HTMLDetailsElement).open = true)),
    );
    for (const a of await viewer.locator("a[href]").all())
      await a.click({ modifiers: ["Control"], force: true }).catch(() => undefined);
    await page.locator(".js-plotly-plot .scatterlayer .point").first().hover({ force: true });
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as any).__soundingPwned)).toBeUndefined();
    expect(dialogs).toEqual([]);

    // control: the same payload displayed raw does run here, so the checks above can fail
    await page.evaluate(() => {
      const app = (window as any).jupyterapp;
      const nb = app.shell.currentWidget.content;
      nb.model.sharedModel.insertCell(nb.model.cells.length, {
        cell_type: "code",
        source: 'tslab.display.html(\'<img src="x" onerror="window.__soundingControl=1">\');',
      });
      nb.activeCellIndex = nb.model.cells.length - 1;
      return app.commands.execute("notebook:run-cell");
    });
    await page.waitForFunction(() => (window as any).__soundingControl === 1, null, { timeout: 30_000 });
    await page.screenshot({ path: join(ROOT, ".ci", "out", "browser-hostile.png") });
    await page.close();
  });
});
