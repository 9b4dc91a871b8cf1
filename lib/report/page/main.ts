/// <reference lib="dom" />
/**
 * The report page's entry (bundled into the HTML with the library code it imports): decode the
 * embedded payload (base64 of gzip, unpacked by the browser's own DecompressionStream), build the
 * state, and lay out the tuner, the figures, the comparison, the table and the viewer. A slider
 * move is one update (at most one per frame, per-frame.ts): the library's sweep, then every view
 * sets what changed in place, then layout; its time from the input event is kept for the benchmark.
 */
import type { RewardConfig } from "../../reward/reward-config.js";
import type { ReportPayload } from "../report-payload.js";
import { compare } from "./compare.js";
import { fill, h } from "./dom.js";
import { staticFigures } from "./figures.js";
import { perFrame } from "./per-frame.js";
import { rewardHistogram } from "./reward-histogram.js";
import { initialState, setConfig, setTextSample, type MarkFilter } from "./state.js";
import { table } from "./table.js";
import { tuner } from "./tuner.js";
import { viewer } from "./viewer.js";

/** One embedded block: base64 of gzip of JSON, unpacked by the browser's own DecompressionStream. */
async function block<T>(id: string): Promise<T> {
  const b64 = document.getElementById(id)!.textContent!.trim();
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text()) as T;
}

async function main(): Promise<void> {
  const app = document.getElementById("app")!;
  // the tallies first (table, figures, tuner); the sample's full text after the first draw
  const p = {
    ...(await block<Omit<ReportPayload, "text">>("sounding-data")),
    text: { row: [], trajectories: [], labels: [] },
  };
  performance.mark("sounding-data");
  const s = initialState(p);
  performance.mark("sounding-state");
  /**
   * Per update of the setting, milliseconds: `total` from the input event to the end of the DOM update
   * after layout; `wait` from the event to the start of the update (the listeners before it, and the wait
   * for the frame when moves were folded); `kernel` the library's sweep (rewards and row); `views`
   * setting the views; `layout`.
   */
  const updates: Array<{ total: number; wait: number; kernel: number; views: number; layout: number }> = [];
  const onMark = (f: MarkFilter) => {
    s.mark = f;
    s.page = 0;
    tbl.refresh();
    document.getElementById("rollouts")?.scrollIntoView({ block: "start" });
  };
  const onPick = (row: number, second: boolean) => {
    if (second && s.selected !== null) s.second = row;
    else [s.selected, s.second] = [row, null];
    tbl.redraw();
    view.render();
  };
  const tbl = table(s, onPick);
  const hist = rewardHistogram(s, onMark);
  const histBox = h(
    "div",
    { class: "hist" },
    h("figcaption", {}, "reward distribution under this setting"),
    hist.element,
  );
  const c = compare(s);
  const view = viewer(s, (i) => onPick(i, false));
  const update = perFrame<RewardConfig>((cfg, since) => {
    const start = performance.now();
    setConfig(s, cfg);
    const t0 = performance.now();
    tune.refresh();
    hist.update();
    c.refresh();
    tbl.settingChanged();
    view.settingChanged();
    const t1 = performance.now();
    void document.body.offsetHeight; // style and layout now, inside the time measured
    const t2 = performance.now();
    updates.push({ total: t2 - since, wait: start - since, kernel: s.updateMs, views: t1 - t0, layout: t2 - t1 });
  });
  const tune = tuner(s, (cfg, since) => update.request(cfg, since));
  const sampleNote =
    p.sample.size < p.n
      ? `Tallies of all ${p.n} rollouts (the tuner and the figures use every one); full text of a sample of ${p.sample.size} (stratified by ${p.sample.strata}, seed ${p.sample.seed}). Rows outside the sample are searched by id, question, dataset and model only.`
      : `All ${p.n} rollouts with their full text.`;
  fill(
    app,
    h(
      "header",
      {},
      h("h1", {}, p.title),
      p.source ? h("div", { class: "source" }, `from ${p.source}`) : null,
      h(
        "p",
        { class: "note", id: "sample-note" },
        sampleNote,
        ` Full text: ${p.textNote}.`,
        h("span", { id: "text-note" }),
      ),
    ),
    h("div", { class: "top" }, tune.element, h("section", { class: "hist-box" }, histBox)),
    h(
      "section",
      { id: "figures" },
      h("h2", {}, "Figures (click a mark to filter the table)"),
      staticFigures(s, onMark),
    ),
    c.element,
    tbl.element,
    view.element,
  );
  // read-only hooks for tests and the benchmark: rewards under the current setting, the setting, update times
  // (a move folded into the next frame is applied before a read)
  (window as unknown as { soundingReport: unknown }).soundingReport = Object.freeze({
    rewards: () => (update.flush(), Array.from(s.rewards, (r, i) => ({ key: s.a.keys[i]!, reward: r }))),
    config: () => (update.flush(), { ...s.cfg }),
    updateTimes: () => updates.map((u) => ({ ...u })),
    kernelMs: () => s.updateMs,
  });
  performance.mark("sounding-ready");
  document.body.setAttribute("data-ready", "1");
  const textNote = document.getElementById("text-note")!;
  textNote.textContent = " (loading the sample's text…)";
  setTextSample(s, await block<ReportPayload["text"]>("sounding-text"));
  textNote.textContent = "";
  tbl.refresh();
  view.render();
  performance.mark("sounding-text");
  document.body.setAttribute("data-text", "1");
}

main().catch((err: unknown) => {
  const app = document.getElementById("app");
  if (app)
    fill(
      app,
      h(
        "pre",
        { class: "error" },
        `the report could not be opened: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
});
