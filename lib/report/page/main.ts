/// <reference lib="dom" />
/**
 * The report page's entry (bundled into the HTML with the library code it imports): decode the
 * embedded payload (base64 of gzip, unpacked by the browser's own DecompressionStream), build the
 * state, and lay out the tuner, the figures, the comparison, the table and the viewer.
 */
import type { RewardConfig } from "../../reward/reward-config.js";
import type { ReportPayload } from "../report-payload.js";
import { compare } from "./compare.js";
import { fill, h } from "./dom.js";
import { rewardHistogram, staticFigures } from "./figures.js";
import { initialState, setConfig, setTextSample, tableFollowsRewards, type MarkFilter } from "./state.js";
import { table } from "./table.js";
import { tuner } from "./tuner.js";
import { renderViewer } from "./viewer.js";

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
  /** Per slider move: milliseconds of the whole update (kernel, figures, table) and of the kernel alone. */
  const updates: Array<{ total: number; kernel: number }> = [];
  const viewer = h("section", { class: "viewer", id: "viewer" });
  const hist = h("div", { class: "hist" });
  const onMark = (f: MarkFilter) => {
    s.mark = f;
    s.page = 0;
    tbl.refresh();
    document.getElementById("rollouts")?.scrollIntoView({ block: "start" });
  };
  const onPick = (row: number, second: boolean) => {
    if (second && s.selected !== null) s.second = row;
    else [s.selected, s.second] = [row, null];
    tbl.refresh();
    renderViewer(s, viewer, (i) => onPick(i, false));
  };
  const tbl = table(s, onPick);
  const drawHist = () =>
    fill(hist, h("figcaption", {}, "reward distribution under this setting"), rewardHistogram(s, onMark));
  let cmp: { refresh: () => void } = { refresh: () => undefined };
  const tune = tuner(s, (cfg: RewardConfig) => {
    const t0 = performance.now();
    setConfig(s, cfg);
    tune.refresh();
    drawHist();
    cmp.refresh();
    if (tableFollowsRewards(s)) tbl.refresh();
    else tbl.redraw();
    if (s.selected !== null) renderViewer(s, viewer, (i) => onPick(i, false));
    updates.push({ total: performance.now() - t0, kernel: s.updateMs });
  });
  const c = compare(s);
  cmp = c;
  drawHist();
  renderViewer(s, viewer, (i) => onPick(i, false));
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
    h("div", { class: "top" }, tune.element, h("section", { class: "hist-box" }, hist)),
    h(
      "section",
      { id: "figures" },
      h("h2", {}, "Figures (click a mark to filter the table)"),
      staticFigures(s, onMark),
    ),
    c.element,
    tbl.element,
    viewer,
  );
  // read-only hooks for tests and the benchmark: rewards under the current setting, the setting, update times
  (window as unknown as { soundingReport: unknown }).soundingReport = Object.freeze({
    rewards: () => Array.from(s.rewards, (r, i) => ({ key: s.a.keys[i]!, reward: r })),
    config: () => ({ ...s.cfg }),
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
  renderViewer(s, viewer, (i) => onPick(i, false));
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
