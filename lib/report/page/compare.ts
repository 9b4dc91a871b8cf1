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

/** The metrics, and whether each follows the reward setting (only those are recounted when it moves). */
const METRICS: Array<[string, (s: State, i: number) => number | null, boolean?]> = [
  ["rollouts", () => 1],
  ["accuracy", (s, i) => (s.p.rows.verdict[i]! < 2 ? s.p.rows.correct[i]! : null)],
  ["horizon (T)", (s, i) => s.p.rows.T[i]!],
  ["UNIQUESEARCH per rollout", (s, i) => s.p.rows.nUniqS[i]!],
  ["REDUNDANTSEARCH per rollout", (s, i) => s.p.rows.nRedS[i]!],
  ["EXPLORATION per rollout", (s, i) => s.p.rows.nExplore[i]!],
  ["VERIFICATION per rollout", (s, i) => s.p.rows.nVerify[i]!],
  ["REDUNDANTQUERY per rollout", (s, i) => s.p.rows.nRedQ[i]!],
  ["ρ (this setting)", (s, i) => s.rho[i]!, true],
  ["reward (report's setting)", (s, i) => s.baseRewards[i]!],
  ["reward (this setting)", (s, i) => s.rewards[i]!, true],
];

export interface Compare {
  element: HTMLElement;
  refresh: () => void;
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
  // the sums of the metrics that do not follow the setting, kept per selection
  let kept: { at: string; sums: number[][]; rows: Int32Array; side: Int8Array } | null = null;
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
        METRICS.forEach(([, f, live], m) => {
          const v = live ? null : f(s, i);
          if (v === null) return;
          sums[m]![side * 2] += v;
          sums[m]![side * 2 + 1]++;
        });
      }
      kept = { at, sums, rows: Int32Array.from(rows), side: Int8Array.from(sides) };
    }
    const sums = kept.sums.map((x) => [...x]);
    METRICS.forEach(([, f, live], m) => {
      if (!live) return;
      const acc = sums[m]!;
      for (let k = 0; k < kept!.rows.length; k++) {
        const v = f(s, kept!.rows[k]!);
        if (v === null) continue;
        acc[kept!.side[k]! * 2] += v;
        acc[kept!.side[k]! * 2 + 1]++;
      }
    });
    const rows = METRICS.map(([name], m) => {
      const [sa, na, sb, nb] = sums[m]!;
      const va = m === 0 ? sa! : na ? sa! / na : NaN;
      const vb = m === 0 ? sb! : nb ? sb! / nb : NaN;
      return h("tr", {}, h("th", {}, name), h("td", {}, fmt(va)), h("td", {}, fmt(vb)), h("td", {}, fmt(vb - va)));
    });
    fill(
      out,
      h(
        "table",
        { class: "stats" },
        h("tr", {}, h("th"), h("th", {}, d.values[a] ?? ""), h("th", {}, d.values[b] ?? ""), h("th", {}, "B − A")),
        ...rows,
      ),
    );
  };
  dimSel.addEventListener("change", () => (options(), refresh()));
  aSel.addEventListener("change", refresh);
  bSel.addEventListener("change", refresh);
  options();
  refresh();
  element.append(h("div", {}, dimSel, " A ", aSel, " B ", bSel), out);
  return { element, refresh };
}
