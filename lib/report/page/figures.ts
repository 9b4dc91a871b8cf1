/// <reference lib="dom" />
/**
 * The report's figures from the embedded tallies of every rollout: Fig. 1 (accuracy per model or
 * run), Fig. 4 (search calls per step), Fig. 6 (label composition per step), Fig. 7 (response
 * length per step), label composition by verdict, the ECDF of tool calls, and the tuner's reward
 * histogram. A click on a mark filters the table to the rollouts behind it.
 */
import { LABEL_COLOURS } from "../../notebook/label-legend.js";
import { chart, type ChartSpec } from "./chart.js";
import { h } from "./dom.js";
import type { MarkFilter, State } from "./state.js";

const LABEL_KEYS = [
  ["UNIQUESEARCH", "nUniqS"],
  ["REDUNDANTSEARCH", "nRedS"],
  ["EXPLORATION", "nExplore"],
  ["VERIFICATION", "nVerify"],
  ["REDUNDANTQUERY", "nRedQ"],
] as const;

const CORRECT = "#2b8a3e";
const INCORRECT = "#c92a2a";

/** The categories of the x axis: training steps when the rollouts have them, else datasets. */
function stepAxis(s: State): { cats: string[]; of: (i: number) => number; what: (k: number) => string } {
  const steps = [...new Set(s.p.rows.step.filter((x): x is number => x !== null))].sort((a, b) => a - b);
  if (steps.length > 1 || (steps.length === 1 && !s.p.datasets.length)) {
    const at = new Map(steps.map((v, k) => [v, k]));
    return {
      cats: steps.map(String),
      of: (i) => at.get(s.p.rows.step[i] ?? NaN) ?? -1,
      what: (k) => `step ${steps[k]}`,
    };
  }
  const names = s.p.datasets.length ? s.p.datasets : ["(all)"];
  return {
    cats: names,
    of: (i) => (s.p.datasets.length ? s.p.rows.dataset[i]! : 0),
    what: (k) => `dataset ${names[k]}`,
  };
}

function meanBy(
  s: State,
  nCats: number,
  of: (i: number) => number,
  v: (i: number) => number | null,
  keep: (i: number) => boolean,
) {
  const sum = new Float64Array(nCats);
  const cnt = new Float64Array(nCats);
  for (let i = 0; i < s.p.n; i++) {
    const k = of(i);
    const x = v(i);
    if (k < 0 || x === null || !keep(i)) continue;
    sum[k] += x;
    cnt[k]++;
  }
  return Array.from(sum, (x, k) => (cnt[k] ? x / cnt[k]! : NaN));
}

function filterOf(label: string, test: (i: number) => boolean): MarkFilter {
  return { label, test };
}

export function staticFigures(s: State, onMark: (f: MarkFilter) => void): HTMLElement {
  const r = s.p.rows;
  const figs: Array<[string, ChartSpec]> = [];
  // Fig. 1: accuracy per model (or dataset when there is one model)
  const byModel = s.p.models.length > 1;
  const names = byModel ? s.p.models : s.p.datasets.length ? s.p.datasets : ["(all)"];
  const catOf = (i: number) => (byModel ? r.model[i]! : s.p.datasets.length ? r.dataset[i]! : 0);
  const graded = (i: number) => r.verdict[i]! < 2;
  const acc = meanBy(s, names.length, catOf, (i) => r.correct[i]!, graded);
  figs.push([
    `Fig. 1 · accuracy per ${byModel ? "model" : "dataset"}`,
    {
      kind: "bar",
      cats: names,
      yLabel: "accuracy",
      yMax: 1,
      series: [
        {
          name: "accuracy",
          colour: "#1971c2",
          values: acc,
          filter: (k) => filterOf(`${byModel ? "model" : "dataset"} ${names[k]}`, (i) => catOf(i) === k),
        },
      ],
    },
  ]);
  const ax = stepAxis(s);
  const verdictSeries = (v: (i: number) => number | null) =>
    ([0, 1] as const).map((verdict) => ({
      name: verdict === 0 ? "correct" : "incorrect",
      colour: verdict === 0 ? CORRECT : INCORRECT,
      values: meanBy(s, ax.cats.length, ax.of, v, (i) => r.verdict[i] === verdict),
      filter: (k: number) =>
        filterOf(
          `${ax.what(k)}, ${verdict === 0 ? "correct" : "incorrect"}`,
          (i) => ax.of(i) === k && r.verdict[i] === verdict,
        ),
    }));
  const kind = ax.cats.length > 1 && ax.what(0).startsWith("step") ? "line" : "bar";
  figs.push([
    "Fig. 4 · search calls per rollout",
    { kind, cats: ax.cats, yLabel: "search calls", series: verdictSeries((i) => r.nUniqS[i]! + r.nRedS[i]!) },
  ]);
  // Fig. 6: label shares per step
  const totals = meanBy(
    s,
    ax.cats.length,
    ax.of,
    (i) => r.labelled[i]!,
    () => true,
  );
  figs.push([
    "Fig. 6 · label composition per step",
    {
      kind: "stack",
      cats: ax.cats,
      yLabel: "share of labelled calls",
      series: LABEL_KEYS.map(([label, key]) => ({
        name: label.slice(0, 6),
        colour: LABEL_COLOURS[label]!,
        values: meanBy(
          s,
          ax.cats.length,
          ax.of,
          (i) => r[key][i]!,
          () => true,
        ).map((m, k) => (totals[k] ? m / totals[k]! : NaN)),
        filter: (k: number) => filterOf(`${ax.what(k)}, has ${label}`, (i) => ax.of(i) === k && r[key][i]! > 0),
      })),
    },
  ]);
  if (r.responseChars.some((x) => x !== null))
    figs.push([
      "Fig. 7 · response length",
      { kind, cats: ax.cats, yLabel: "characters written", series: verdictSeries((i) => r.responseChars[i] ?? null) },
    ]);
  // label composition by verdict
  figs.push([
    "label composition by verdict",
    {
      kind: "stack",
      cats: ["correct", "incorrect"],
      yLabel: "calls per rollout",
      series: LABEL_KEYS.map(([label, key]) => ({
        name: label.slice(0, 6),
        colour: LABEL_COLOURS[label]!,
        values: meanBy(
          s,
          2,
          (i) => (r.verdict[i]! < 2 ? r.verdict[i]! : -1),
          (i) => r[key][i]!,
          () => true,
        ),
        filter: (k: number) =>
          filterOf(`${k === 0 ? "correct" : "incorrect"}, has ${label}`, (i) => r.verdict[i] === k && r[key][i]! > 0),
      })),
    },
  ]);
  // ECDF of tool calls by verdict
  const Ts = [...new Set(r.T)].sort((a, b) => a - b);
  figs.push([
    "ECDF · tool calls per rollout",
    {
      kind: "line",
      cats: Ts.map(String),
      yLabel: "share of rollouts ≤ T",
      yMax: 1,
      series: ([0, 1] as const).map((verdict) => {
        const mine = r.T.filter((_, i) => r.verdict[i] === verdict).sort((a, b) => a - b);
        let j = 0;
        const values = Ts.map((t) => {
          while (j < mine.length && mine[j]! <= t) j++;
          return mine.length ? j / mine.length : NaN;
        });
        return {
          name: verdict === 0 ? "correct" : "incorrect",
          colour: verdict === 0 ? CORRECT : INCORRECT,
          values,
          filter: (k: number) =>
            filterOf(
              `${verdict === 0 ? "correct" : "incorrect"}, T ≤ ${Ts[k]}`,
              (i) => r.verdict[i] === verdict && r.T[i]! <= Ts[k]!,
            ),
        };
      }),
    },
  ]);
  return h(
    "div",
    { class: "figures" },
    ...figs.map(([title, spec], k) =>
      h("figure", { class: "fig", "data-fig": k }, h("figcaption", {}, title), chart(spec, onMark)),
    ),
  );
}

/** Histogram of rewards under the current setting, correct and incorrect; a bar filters to its bin. */
export function rewardHistogram(s: State, onMark: (f: MarkFilter) => void): SVGElement {
  const bins = 30;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of s.rewards) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!Number.isFinite(lo)) lo = hi = 0;
  if (hi - lo < 1e-9) hi = lo + 1;
  const w = (hi - lo) / bins;
  const bin = (x: number) => Math.min(bins - 1, Math.floor((x - lo) / w));
  const counts = [new Float64Array(bins), new Float64Array(bins)];
  const n = [0, 0];
  for (let i = 0; i < s.p.n; i++) {
    const v = s.p.rows.verdict[i]!;
    if (v > 1) continue;
    counts[v]![bin(s.rewards[i]!)]++;
    n[v]++;
  }
  const cats = Array.from({ length: bins }, (_, k) => (lo + w * (k + 0.5)).toFixed(2));
  return chart(
    {
      kind: "bar",
      cats,
      yLabel: "share of the class",
      series: [0, 1].map((v) => ({
        name: v === 0 ? "correct" : "incorrect",
        colour: v === 0 ? CORRECT : INCORRECT,
        values: Array.from(counts[v]!, (c) => (n[v] ? c / n[v]! : NaN)),
        filter: (k: number) => {
          const a = lo + w * k;
          const b = a + w;
          const what = `${v === 0 ? "correct" : "incorrect"}, reward ${a.toFixed(3)}…${b.toFixed(3)}`;
          // the bin's range, not its index: the filter keeps meaning the same rewards as the setting moves
          const last = k === bins - 1;
          const test = (i: number) => {
            const r = s.rewards[i]!;
            return s.p.rows.verdict[i] === v && r >= a && (last ? r <= b : r < b);
          };
          return { label: what, test, live: true };
        },
      })),
    },
    onMark,
  );
}
