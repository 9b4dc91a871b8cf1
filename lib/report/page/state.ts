/// <reference lib="dom" />
/**
 * The page's model: the payload, the typed arrays of `tallyArrays` rebuilt from it (what the
 * library's replay and sweep read), the current reward setting with every rollout's reward and ρ
 * under it and its sweep row (the library's `sweep` and replay columns, bundled: one call per
 * setting writes the rewards into a preallocated array), and the table's filters.
 */
import type { TallyArrays } from "../../metrics/tally-arrays.js";
import type { LabelRow, Trajectory } from "../../trajectory/schema.js";
import type { RewardConfig } from "../../reward/reward-config.js";
import { cachedColumns, sweep, sweepCache, type SweepCache, type SweepRow } from "../../reward/sweep.js";
import type { ReportPayload } from "../report-payload.js";

export interface MarkFilter {
  /** What the chip says. */
  label: string;
  test: (row: number) => boolean;
  /** The rows behind it change with the reward setting (a bin of the reward histogram). */
  live?: boolean;
}

export interface State {
  p: ReportPayload;
  a: TallyArrays;
  /** Group index of every row. */
  groupOf: Int32Array;
  /** Row → index into p.text (−1: tallies only). */
  textOf: Int32Array;
  cfg: RewardConfig;
  rewards: Float64Array;
  rho: Float64Array;
  baseRewards: Float64Array;
  row: SweepRow;
  baseRow: SweepRow;
  /** Milliseconds the last update of the setting took (the sweep: rewards and row), measured in the page. */
  updateMs: number;
  mark: MarkFilter | null;
  search: string;
  columnFilters: Record<string, string>;
  sortBy: string;
  sortDesc: boolean;
  page: number;
  selected: number | null;
  second: number | null;
  /** Lower-cased searchable text of each sampled rollout (index into p.text). */
  haystack: string[];
  /**
   * The sweep's cache (replay columns and rollout types per replay key, the base's pass): a slider move
   * that keeps B_v replays no column.
   */
  cache: SweepCache;
  /** Lower-cased question of each group (what rows outside the sample are searched by, with their names). */
  questionsLower: string[];
}

export function tallyArraysOf(p: ReportPayload): TallyArrays {
  const r = p.rows;
  return {
    n: p.n,
    keys: r.id.map((id, i) => `${p.files[r.file[i]!]}::${id}`),
    T: Int32Array.from(r.T),
    labelled: Int32Array.from(r.labelled),
    nUniqS: Int32Array.from(r.nUniqS),
    nRedS: Int32Array.from(r.nRedS),
    nExplore: Int32Array.from(r.nExplore),
    nVerify: Int32Array.from(r.nVerify),
    nRedQ: Int32Array.from(r.nRedQ),
    nRedQFixed: Int32Array.from(r.nRedQFixed),
    hasClaims: Uint8Array.from(r.hasClaims),
    checkStart: Int32Array.from(r.checkStart),
    checks: Int32Array.from(r.checks),
    correct: Uint8Array.from(r.correct),
    formatOk: Uint8Array.from(r.formatOk),
    groupStart: Int32Array.from(p.groupStart),
    groupIds: p.groups.id,
    labelsBv: p.labelsBv,
  };
}

/** Everything a search over one rollout looks at: question, queries, URLs, goals, responses, reasoning, answers. */
function searchText(t: Trajectory): string {
  const parts: string[] = [t.id, t.question, t.finalAnswer ?? "", ...t.goldAnswers];
  for (const s of t.steps) parts.push(s.text, s.reasoning);
  for (const c of t.calls) {
    parts.push(...c.queries, ...c.urls, c.goal ?? "", c.response ?? "");
    if (!c.queries.length && !c.urls.length) parts.push(c.arguments);
  }
  return parts.join("\n").toLowerCase();
}

export function initialState(p: ReportPayload): State {
  const a = tallyArraysOf(p);
  const groupOf = new Int32Array(p.n);
  for (let g = 0; g + 1 < p.groupStart.length; g++)
    for (let i = p.groupStart[g]!; i < p.groupStart[g + 1]!; i++) groupOf[i] = g;
  const textOf = new Int32Array(p.n).fill(-1);
  const s: State = {
    p,
    a,
    groupOf,
    textOf,
    cfg: { ...p.base },
    rewards: new Float64Array(p.n),
    rho: new Float64Array(p.n),
    baseRewards: new Float64Array(p.n),
    row: undefined as unknown as SweepRow,
    baseRow: undefined as unknown as SweepRow,
    updateMs: 0,
    mark: null,
    search: "",
    columnFilters: {},
    sortBy: "",
    sortDesc: false,
    page: 0,
    selected: null,
    second: null,
    haystack: [],
    cache: sweepCache(),
    questionsLower: p.groups.question.map((q) => q.toLowerCase()),
  };
  setTextSample(s, p.text);
  sweep(a, [p.base], { cache: s.cache, rewards: s.baseRewards });
  setConfig(s, p.base);
  return s;
}

/** Attach the sample's full text (decoded after the first draw). */
export function setTextSample(s: State, text: ReportPayload["text"]): void {
  s.p.text = text;
  s.textOf.fill(-1);
  text.row.forEach((r, k) => (s.textOf[r] = k));
  s.haystack = text.trajectories.map(searchText);
}

/** Apply a setting: every rollout's reward and ρ under it, and its sweep row against the base. */
export function setConfig(s: State, cfg: RewardConfig): void {
  const t0 = performance.now();
  s.cfg = cfg;
  const [base, row] = sweep(s.a, [s.p.base, cfg], { cache: s.cache, rewards: s.rewards });
  s.rho = cachedColumns(s.a, cfg, s.cache).rho;
  s.baseRow = base!;
  s.row = row!;
  s.updateMs = performance.now() - t0;
}

/** Whether the table's rows or their order depend on the rewards (then a setting change re-filters it). */
export function tableFollowsRewards(s: State): boolean {
  const live = ["reward", "rho"];
  return Boolean(s.mark?.live) || live.includes(s.sortBy) || live.some((k) => (s.columnFilters[k] ?? "").trim() !== "");
}

/** The sampled trajectory of a row and its labels, or null when only its tallies are embedded. */
export function textOfRow(s: State, row: number): { t: Trajectory; labels: LabelRow[] } | null {
  const k = s.textOf[row]!;
  return k < 0 ? null : { t: s.p.text.trajectories[k]!, labels: s.p.text.labels[k]! };
}

/** Rows of a row's group. */
export function groupRows(s: State, row: number): number[] {
  const g = s.groupOf[row]!;
  const out: number[] = [];
  for (let i = s.p.groupStart[g]!; i < s.p.groupStart[g + 1]!; i++) out.push(i);
  return out;
}
