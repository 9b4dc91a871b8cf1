/** GRPO group view: the rollouts of one prompt, their rewards and GRPO advantages, and their label counts. */
import type { TrajectoryMetricRow } from "../metrics/tables.js";
import type { Figure } from "./render-svg.js";
import { figureSize, fitTitle, type FigureSizeInput } from "./figure-size.js";

/** `rewardSpec`: the hash of the reward setting that produced `rewards` (recorded in the SVG metadata). */
export function grpoGroup(
  rows: readonly TrajectoryMetricRow[],
  rewards: readonly number[],
  group: string,
  rewardSpec: string | null = null,
  opts: FigureSizeInput = {},
): Figure {
  const size = figureSize(opts, "page");
  const members = rows.map((r, i) => ({ r, reward: rewards[i]! })).filter((m) => m.r.group === group);
  const n = members.length;
  const mean = n ? members.reduce((s, m) => s + m.reward, 0) / n : 0;
  const std = n ? Math.sqrt(members.reduce((s, m) => s + (m.reward - mean) ** 2, 0) / n) : 0;
  const data = members.flatMap((m, i) => {
    const rollout = `#${i + 1} ${m.r.correct ? "✓" : "✗"}`;
    const adv = std > 1e-12 ? (m.reward - mean) / std : 0;
    return [
      { rollout, kind: "UNIQUESEARCH", k: 0, n: m.r.nUniqS, reward: m.reward, advantage: adv },
      { rollout, kind: "REDUNDANTSEARCH", k: 1, n: m.r.nRedS, reward: m.reward, advantage: adv },
      { rollout, kind: "EXPLORATION", k: 2, n: m.r.nExplore, reward: m.reward, advantage: adv },
      { rollout, kind: "VERIFICATION", k: 3, n: m.r.nVerify, reward: m.reward, advantage: adv },
      { rollout, kind: "REDUNDANTQUERY", k: 4, n: m.r.nRedQ, reward: m.reward, advantage: adv },
    ];
  });
  const maxReward = Math.max(0.01, ...members.map((m) => m.reward));
  const order = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY"];
  const step = Math.round(size.fontPt * 2.2);
  const layout = (w: number) =>
    ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      title: fitTitle(`GRPO group ${group}: rewards (μ ${mean.toFixed(3)}, σ ${std.toFixed(3)}) and labels`, size),
      data: { values: data },
      [size.widthPt < 400 ? "vconcat" : "hconcat"]: [
        {
          width: w,
          height: { step },
          transform: [{ filter: "datum.kind === 'UNIQUESEARCH'" }],
          layer: [
            {
              mark: "bar",
              encoding: {
                y: { field: "rollout", type: "nominal", title: null },
                x: {
                  field: "reward",
                  type: "quantitative",
                  title: "reward",
                  scale: { domain: [Math.min(0, ...members.map((m) => m.reward)), maxReward * 1.25] },
                },
                color: {
                  field: "advantage",
                  type: "quantitative",
                  title: "advantage",
                  scale: { scheme: "redblue", domainMid: 0 },
                },
              },
            },
            {
              mark: { type: "text", align: "left", dx: 3 },
              encoding: {
                y: { field: "rollout", type: "nominal" },
                x: { field: "reward", type: "quantitative" },
                text: { field: "reward", type: "quantitative", format: ".3f" },
              },
            },
          ],
        },
        {
          width: w,
          height: { step },
          mark: "bar",
          encoding: {
            y: { field: "rollout", type: "nominal", title: null },
            x: { field: "n", type: "quantitative", title: "calls" },
            color: {
              field: "kind",
              type: "nominal",
              title: null,
              scale: { domain: order, range: ["#2b8a3e", "#e67700", "#1971c2", "#6741d9", "#c92a2a"] },
              legend: { orient: "bottom", columns: size.widthPt < 400 ? 2 : 3 },
            },
            order: { field: "k", type: "quantitative" }, // stack in the legend's order
          },
        },
      ],
      resolve: { scale: { color: "independent" } },
    }) as never;
  return {
    name: "grpo-group",
    data,
    size,
    layout,
    provenance: { figure: "grpo-group", filters: { group }, rewardSpec },
    spec: layout(160),
  };
}
