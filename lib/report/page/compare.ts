/// <reference lib="dom" />
/**
 * Runs, checkpoints or datasets side by side: pick a dimension and two of its values and see
 * their label composition, horizon, accuracy and rewards (the report's setting and the current
 * one) with the deltas.
 */
import { fill, fmt, h } from "./dom.js";
import type { State } from "./state.js";

interface Dimension {
  name: string;
  values: string[];
  of: (s: State, i: number) => number;
}

function dimensions(s: State): Dimension[] {
  const r = s.p.rows;
  const steps = [...new Set(r.step.filter((x): x is number => x !== null))].sort((a, b) => a - b);
  const stepAt = new Map(steps.map((v, k) => [v, k]));
  const dims: Dimension[] = [
    { name: "model / run", values: s.p.models, of: (_, i) => r.model[i]! },
    { name: "step (checkpoint)", values: steps.map(String), of: (_, i) => stepAt.get(r.step[i] ?? NaN) ?? -1 },
    { name: "dataset", values: s.p.datasets, of: (_, i) => r.dataset[i]! },
    { name: "file", values: s.p.files, of: (_, i) => r.file[i]! },
  ];
  return dims.filter((d) => d.values.length > 1);
}

/**
 * The metrics: each a value per rollout (null: not counted), or for those that follow the reward
 * setting the array of it (only they are recounted when it moves).
 */
type Metric = [string, (s: State, i: number) => number | null] | [string, null, (s: State) => Float64Array];
const METRICS: Metric[] = [
  ["rollouts", () => 1],
  ["accuracy", (s, i) => (s.p.rows.verdict[i]! < 2 ? s.p.rows.correct[i]! : null)],
  ["horizon (T)", (s, i) => s.p.rows.T[i]!],
  ["UNIQUESEARCH per rollout", (s, i) => s.p.rows.nUniqS[i]!],
  ["REDUNDANTSEARCH per rollout", (s, i) => s.p.rows.nRedS[i]!],
  ["EXPLORATION per rollout", (s, i) => s.p.rows.nExplore[i]!],
  ["VERIFICATION per rollout", (s, i) => s.p.rows.nVerify[i]!],
  ["REDUNDANTQUERY per rollout", (s, i) => s.p.rows.nRedQ[i]!],
  ["ρ (this setting)", null, (s: State) => s.rho],
  ["reward (report's setting)", (s, i) => s.baseRewards[i]!],
  ["reward (this setting)", null, (s: State) => s.rewards],
];

export interface Compare {
  element: HTMLElement;
  refresh: () => void;
}

function setText(t: Text, v: string): void {
  if (t.data !== v) t.data = v;
}

export function compare(s: State): Compare {
  const dims = dimensions(s);
  const element = h("section", { class: "compare", id: "compare" }, h("h2", {}, "Side by side"));
  if (!dims.length) {
    element.appendChild(h("p", { class: "note" }, "One model, step, dataset and file: nothing to put side by side."));
    return { element, refresh: () => undefined };
  }
  const dimSel = h("select", { "aria-label": "dimension" }, ...dims.map((d, k) => h("option", { value: k }, d.name)));
  const aSel = h("select", { "aria-label": "A" });
  const bSel = h("select", { "aria-label": "B" });
  const out = h("div");
  const options = () => {
    const d = dims[Number(dimSel.value)]!;
    fill(aSel, ...d.values.map((v, k) => h("option", { value: k }, v)));
    fill(bSel, ...d.values.map((v, k) => h("option", { value: k }, v)));
    bSel.value = String(Math.min(1, d.values.length - 1));
  };
  /** One selection: its rows and sides, the sums of the metrics that do not follow the setting, the cells. */
  let kept: { at: string; sums: number[][]; rows: Int32Array; side: Int8Array; cells: Text[][] } | null = null;
  const refresh = () => {
    const d = dims[Number(dimSel.value)]!;
    const a = Number(aSel.value);
    const b = Number(bSel.value);
    const at = `${dimSel.value}|${a}|${b}`;
    if (kept?.at !== at) {
      const rows: number[] = [];
      const sides: number[] = [];
      const sums = METRICS.map(() => [0, 0, 0, 0]);
      for (let i = 0; i < s.p.n; i++) {
        const k = d.of(s, i);
        const side = k === a ? 0 : k === b ? 1 : -1;
        if (side < 0) continue;
        rows.push(i);
        sides.push(side);
        METRICS.forEach(([, f], m) => {
          const v = f ? f(s, i) : null;
          if (v === null) return;
          sums[m]![side * 2] += v;
          sums[m]![side * 2 + 1]++;
        });
      }
      // the table is made once per selection; a setting change sets the text of its live rows
      const cells = METRICS.map(() => [0, 1, 2].map(() => document.createTextNode("")));
      fill(
        out,
        h(
          "table",
          { class: "stats" },
          h("tr", {}, h("th"), h("th", {}, d.values[a] ?? ""), h("th", {}, d.values[b] ?? ""), h("th", {}, "B − A")),
          ...METRICS.map(([name], m) =>
            h(
              "tr",
              {},
              h("th", {}, name),
              ...cells[m]!.map((t) => h("td", {}, METRICS[m]![2] ? h("span", { class: "live" }, t) : t)),
            ),
          ),
        ),
      );
      kept = { at, sums, rows: Int32Array.from(rows), side: Int8Array.from(sides), cells };
    }
    const { rows, side, cells } = kept;
    METRICS.forEach(([, , live], m) => {
      const acc = [...kept!.sums[m]!];
      if (live) {
        const x = live(s);
        for (let k = 0; k < rows.length; k++) {
          const v = x[rows[k]!]!;
          acc[side[k]! * 2] += v;
          acc[side[k]! * 2 + 1]++;
        }
      }
      const [sa, na, sb, nb] = acc;
      const va = m === 0 ? sa! : na ? sa! / na : NaN;
      const vb = m === 0 ? sb! : nb ? sb! / nb : NaN;
      const [ta, tb, td] = cells[m]!;
      setText(ta!, fmt(va));
      setText(tb!, fmt(vb));
      setText(td!, fmt(vb - va));
    });
  };
  dimSel.addEventListener("change", () => (options(), refresh()));
  aSel.addEventListener("change", refresh);
  bSel.addEventListener("change", refresh);
  options();
  refresh();
  element.append(h("div", {}, dimSel, " A ", aSel, " B ", bSel), out);
  return { element, refresh };
}
