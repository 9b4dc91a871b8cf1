/// <reference lib="dom" />
/**
 * The table's columns: what each shows for a row, whether it is a number, and how a column
 * filter (`>3`, `<=0.5`, `2..5`, `=1`, or text to find) and the full-text search pick rows.
 */
import { VERDICTS } from "../report-payload.js";
import type { State } from "./state.js";

export interface Column {
  key: string;
  title: string;
  numeric: boolean;
  value: (s: State, row: number) => string | number | null;
  /** Hover text of the header. */
  about: string;
}

const count = (key: "T" | "nUniqS" | "nRedS" | "nExplore" | "nVerify" | "nRedQ", title: string, about: string) => ({
  key,
  title,
  numeric: true,
  about,
  value: (s: State, i: number) => s.p.rows[key][i]!,
});

export const COLUMNS: readonly Column[] = [
  { key: "id", title: "id", numeric: false, about: "trajectory id", value: (s, i) => s.p.rows.id[i]! },
  {
    key: "dataset",
    title: "dataset",
    numeric: false,
    about: "dataset",
    value: (s, i) => s.p.datasets[s.p.rows.dataset[i]!] ?? null,
  },
  {
    key: "model",
    title: "model / run",
    numeric: false,
    about: "model or run",
    value: (s, i) => s.p.models[s.p.rows.model[i]!] ?? null,
  },
  { key: "step", title: "step", numeric: true, about: "training step", value: (s, i) => s.p.rows.step[i] ?? null },
  {
    key: "group",
    title: "group",
    numeric: false,
    about: "GRPO group (prompt)",
    value: (s, i) => s.p.groups.id[s.groupOf[i]!] || null,
  },
  {
    key: "verdict",
    title: "verdict",
    numeric: false,
    about: "correct / incorrect / unknown",
    value: (s, i) => VERDICTS[s.p.rows.verdict[i]!] ?? null,
  },
  count("T", "T", "tool calls"),
  count("nUniqS", "US", "UNIQUESEARCH calls"),
  count("nRedS", "RS", "REDUNDANTSEARCH calls"),
  count("nExplore", "EX", "EXPLORATION calls"),
  count("nVerify", "VE", "VERIFICATION calls (under the labels' B_v)"),
  count("nRedQ", "RQ", "REDUNDANTQUERY calls (under the labels' B_v)"),
  {
    key: "rho",
    title: "ρ",
    numeric: true,
    about: "redundancy rate under the current setting",
    value: (s, i) => s.rho[i]!,
  },
  {
    key: "reward",
    title: "reward",
    numeric: true,
    about: "reward under the current setting",
    value: (s, i) => s.rewards[i]!,
  },
  {
    key: "utility",
    title: "utility",
    numeric: true,
    about: "mean utility of the labelled calls",
    value: (s, i) => s.p.rows.utility[i] ?? null,
  },
];

/**
 * A column filter as a test on a value: numbers take `>x`, `>=x`, `<x`, `<=x`, `=x`, `a..b`; text is
 * found anywhere in the value, or `=text` is the whole value.
 */
export function columnTest(filter: string, numeric: boolean): ((v: string | number | null) => boolean) | null {
  const f = filter.trim();
  if (!f) return null;
  if (numeric) {
    const range = /^(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)$/.exec(f);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      return (v) => typeof v === "number" && v >= lo && v <= hi;
    }
    const m = /^(>=|<=|>|<|=)?\s*(-?[\d.]+(?:e-?\d+)?)$/i.exec(f);
    if (m) {
      const x = Number(m[2]);
      const op = m[1] ?? "=";
      return (v) =>
        typeof v === "number" &&
        (op === ">" ? v > x : op === ">=" ? v >= x : op === "<" ? v < x : op === "<=" ? v <= x : v === x);
    }
  }
  // text: `=x` is the whole value (so "=correct" leaves "incorrect" out), anything else a part of it
  if (f.startsWith("=")) {
    const whole = f.slice(1).trim().toLowerCase();
    return (v) => v !== null && String(v).toLowerCase() === whole;
  }
  const needle = f.toLowerCase();
  return (v) => v !== null && String(v).toLowerCase().includes(needle);
}

/** Whether a row matches the full-text search (sampled rows: all their text; others: id, question, names). */
export function searchMatch(s: State, row: number, needle: string): boolean {
  if (!needle) return true;
  const k = s.textOf[row]!;
  if (k >= 0) return s.haystack[k]!.includes(needle);
  const p = s.p;
  return (
    p.rows.id[row]!.toLowerCase().includes(needle) ||
    (s.questionsLower[s.groupOf[row]!] ?? "").includes(needle) ||
    (p.datasets[p.rows.dataset[row]!] ?? "").toLowerCase().includes(needle) ||
    (p.models[p.rows.model[row]!] ?? "").toLowerCase().includes(needle)
  );
}

/** The columns whose values follow the reward setting. */
export const LIVE_COLUMNS: ReadonlySet<string> = new Set(["rho", "reward"]);

/** The rows passing the search, the column filters and the figure mark, in row order. */
export function filterRows(s: State): number[] {
  const tests = COLUMNS.map((c) => ({ c, t: columnTest(s.columnFilters[c.key] ?? "", c.numeric) })).filter(
    (x): x is { c: Column; t: (v: string | number | null) => boolean } => x.t !== null,
  );
  const needle = s.search.trim().toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < s.p.n; i++) {
    if (s.mark && !s.mark.test(i)) continue;
    if (needle && !searchMatch(s, i, needle)) continue;
    if (tests.some(({ c, t }) => !t(c.value(s, i)))) continue;
    out.push(i);
  }
  return out;
}

/**
 * The table's order of `rows` (filtered, in row order) by `s.sortBy`: values ascending (descending
 * with `s.sortDesc`), null and NaN last, ties in row order. With `first`, only the first `first` rows
 * of that order are found and sorted (a bounded heap, O(n log first)); the rest follow unsorted.
 */
export function sortRows(s: State, rows: number[], first = Infinity): number[] {
  const col = COLUMNS.find((c) => c.key === s.sortBy);
  if (!col) return rows;
  const n = rows.length;
  const v = rows.map((i) => {
    const x = col.value(s, i);
    return typeof x === "number" && Number.isNaN(x) ? null : x;
  });
  const dir = s.sortDesc ? -1 : 1;
  // positions k of `rows`: rows are in row order, so a tie in value falls back to k
  const cmp = (x: number, y: number) => {
    const a = v[x]!;
    const b = v[y]!;
    if (a === b) return x - y;
    if (a === null) return 1;
    if (b === null) return -1;
    return (a < b ? -1 : 1) * dir;
  };
  const k = Math.min(first, n);
  if (k >= n / 4) {
    const idx = rows.map((_, j) => j).sort(cmp);
    return idx.map((j) => rows[j]!);
  }
  // a max-heap (by cmp) of the best k positions seen: its root is the worst of them
  const heap = new Int32Array(k);
  let size = 0;
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < size && cmp(heap[l]!, heap[m]!) > 0) m = l;
      if (r < size && cmp(heap[r]!, heap[m]!) > 0) m = r;
      if (m === at) return;
      [heap[at], heap[m]] = [heap[m]!, heap[at]!];
      at = m;
    }
  };
  for (let j = 0; j < n; j++) {
    if (size < k) {
      let at = size++;
      heap[at] = j;
      while (at > 0) {
        const up = (at - 1) >> 1;
        if (cmp(heap[at]!, heap[up]!) <= 0) break;
        [heap[at], heap[up]] = [heap[up]!, heap[at]!];
        at = up;
      }
    } else if (k > 0 && cmp(j, heap[0]!) < 0) {
      heap[0] = j;
      down(0);
    }
  }
  const top = Array.from(heap).sort(cmp);
  const taken = new Uint8Array(n);
  for (const j of top) taken[j] = 1;
  const out = top.map((j) => rows[j]!);
  for (let j = 0; j < n; j++) if (!taken[j]) out.push(rows[j]!);
  return out;
}

/** The rows passing the search, the column filters and the figure mark, sorted as asked. */
export function visibleRows(s: State): number[] {
  return sortRows(s, filterRows(s));
}
