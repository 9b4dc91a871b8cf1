/// <reference lib="dom" />
/**
 * The live reward tuner: a slider per knob (c1, c2, C_S, C_Q, B_v, floor, format weight); every
 * move replays Eq. 8 over every rollout in the page with the library's kernel and sweep
 * (state.ts) and shows, against the report's base setting, the class means and their separation,
 * informative groups, rank changes within groups, favoured breadth / depth / horizon and the
 * guardrails; the setting is one click away as reward.json and as the `sounding export verl` command.
 */
import type { RewardConfig } from "../../reward/reward-config.js";
import type { SweepRow } from "../../reward/sweep.js";
import { fill, fmt, h } from "./dom.js";
import type { State } from "./state.js";

type Knob = "c1" | "c2" | "CS" | "CQ" | "Bv" | "floor" | "formatWeight";

interface KnobSpec {
  key: Knob;
  label: string;
  min: number;
  max: number;
  step: number;
}

export const TUNER_KNOBS: readonly KnobSpec[] = [
  { key: "c1", label: "c1 (search novelty weight)", min: -0.5, max: 1, step: 0.01 },
  { key: "c2", label: "c2 (query novelty weight)", min: -0.5, max: 1, step: 0.01 },
  { key: "CS", label: "C_S (search saturation)", min: 1, max: 32, step: 1 },
  { key: "CQ", label: "C_Q (query saturation)", min: 1, max: 64, step: 1 },
  { key: "Bv", label: "B_v (verifications per claim)", min: 0, max: 6, step: 1 },
  { key: "floor", label: "floor of 1 − ρ", min: 0, max: 1, step: 0.01 },
  { key: "formatWeight", label: "format weight", min: 0, max: 0.5, step: 0.01 },
];

const STATS: Array<[keyof SweepRow, string]> = [
  ["meanCorrect", "mean reward, correct"],
  ["meanIncorrect", "mean reward, incorrect"],
  ["separation", "separation"],
  ["informativeGroups", "informative groups (σ > 0)"],
  ["rankChanges", "rollouts changing rank in their group"],
  ["groupsIncorrectAbove", "groups with an incorrect above a correct"],
  ["favouredBreadth", "favoured breadth"],
  ["favouredDepth", "favoured depth"],
  ["favouredHorizon", "favoured horizon"],
];

/** The setting as the JSON `--config` file of `sounding reward` / `export verl`. */
export function configJson(cfg: RewardConfig): string {
  return JSON.stringify(cfg, null, 2) + "\n";
}

export interface Tuner {
  element: HTMLElement;
  /** Redraw the numbers after a setting change (text set in place; the warnings rebuilt when they change). */
  refresh: () => void;
}

function setText(t: Text, v: string): void {
  if (t.data !== v) t.data = v;
}

/**
 * The tuner; `onChange` gets the setting the sliders show and the time of the input event that moved
 * them (`Event.timeStamp`, on the clock of `performance.now()`).
 */
export function tuner(s: State, onChange: (cfg: RewardConfig, since: number) => void): Tuner {
  const sliders = TUNER_KNOBS.map((k) => {
    const v = s.p.base[k.key];
    const input = h("input", {
      type: "range",
      min: Math.min(k.min, v),
      max: Math.max(k.max, v),
      step: k.step,
      value: v,
      "data-knob": k.key,
      "aria-label": k.label,
    });
    const text = document.createTextNode(fmt(v, 2));
    const shown = h("span", { class: "knob-value" }, text);
    return { k, input, shown, text };
  });
  const read = (): RewardConfig => {
    const cfg: RewardConfig = { ...s.cfg };
    for (const { k, input, text } of sliders) {
      const v = Number(input.value);
      cfg[k.key] = v;
      setText(text, fmt(v, 2));
    }
    return cfg;
  };
  for (const { input } of sliders) input.addEventListener("input", (e) => onChange(read(), e.timeStamp));
  const reset = h("button", { type: "button" }, "reset to the report's setting");
  reset.addEventListener("click", (e) => {
    for (const { k, input } of sliders) input.value = String(s.p.base[k.key]);
    onChange(read(), e.timeStamp);
  });
  // the numbers live in text nodes made once; a move sets their text
  const cells = STATS.map(([key, label]) => {
    const t = [document.createTextNode(""), document.createTextNode(""), document.createTextNode("")] as const;
    const tr = h("tr", {}, h("th", {}, label), h("td", {}, t[0]), h("td", {}, t[1]), h("td", {}, t[2]));
    return { key, t, tr };
  });
  const stats = h(
    "table",
    { class: "stats" },
    h("tr", {}, h("th", {}), h("th", {}, "report's setting"), h("th", {}, "this setting"), h("th", {}, "Δ")),
    ...cells.map((c) => c.tr),
  );
  const warnings = h("ul", { class: "warnings" });
  let warningsShown: string | null = null;
  const timingText = document.createTextNode("");
  const timing = h("div", { class: "timing" }, timingText);
  const claims = s.p.rows.hasClaims.reduce((a, b) => a + b, 0);
  const exportBox = h("div", { class: "export", hidden: true });
  const exportBtn = h("button", { type: "button", "data-action": "export" }, "reward.json and the verl command");
  exportBtn.addEventListener("click", () => {
    const json = configJson(s.cfg);
    const area = h("textarea", { readonly: true, rows: 8, cols: 40, class: "reward-json" }, json);
    const cmd = h("pre", { class: "command" }, "sounding export verl --config reward.json --out reward-verl/");
    const blob = new Blob([json], { type: "application/json" });
    const link = h("a", { download: "reward.json" }, "download reward.json");
    link.href = URL.createObjectURL(blob);
    fill(exportBox, area, cmd, link);
    exportBox.hidden = false;
  });
  const refresh = () => {
    for (const { key, t } of cells) {
      const b = s.baseRow[key] as number;
      const c = s.row[key] as number;
      setText(t[0], fmt(b));
      setText(t[1], fmt(c));
      setText(t[2], fmt(c - b));
    }
    // `no-effect` compares with the report's setting: said only when the knobs differ from it
    const moved = TUNER_KNOBS.some((k) => s.cfg[k.key] !== s.p.base[k.key]);
    const shown = s.row.warnings.filter((w) => moved || w.code !== "no-effect");
    const said = shown.map((w) => `${w.code}: ${w.message}`).join("\n");
    if (said !== warningsShown) {
      warningsShown = said;
      fill(
        warnings,
        ...(shown.length
          ? shown.map((w) => h("li", { "data-code": w.code }, `${w.code}: ${w.message}`))
          : [h("li", { class: "ok" }, "no guardrail fires")]),
      );
    }
    setText(
      timingText,
      `replayed ${s.p.n} rollouts in ${s.updateMs.toFixed(1)} ms (the library's kernel, in this page)`,
    );
  };
  refresh();
  const element = h(
    "section",
    { class: "tuner", id: "tuner" },
    h("h2", {}, "Reward tuner (Eq. 8)"),
    h(
      "div",
      { class: "sliders" },
      ...sliders.map(({ k, input, shown }) => h("label", { class: "knob" }, h("span", {}, k.label), input, shown)),
    ),
    h(
      "p",
      { class: "note" },
      `B_v is re-applied from per-claim checks: ${claims} of ${s.p.n} rollouts carry them (the others keep their labels' B_v = ${s.p.labelsBv}).`,
    ),
    h("div", {}, reset, " ", exportBtn),
    exportBox,
    stats,
    warnings,
    timing,
  );
  return { element, refresh };
}
