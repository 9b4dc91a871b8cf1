/**
 * Agreement between two label sets (deterministic vs LLM, either vs hand labels): the calls
 * both label, a confusion matrix, Cohen's κ overall and per role, and every disagreeing call.
 *
 * Rows join on trajectory id + call index; when an id occurs in several files of one set,
 * the file name joins too. κ = (p_o − p_e) / (1 − p_e); when p_e = 1 (one label only on
 * both sides) κ is 1 if they agree fully and 0 otherwise.
 *
 * Every κ of `agreement` comes with a 95 % bootstrap interval (`lo`, `hi`): trajectories are
 * resampled with replacement, 1000 times from seed 1 by default (lib/labels/kappa-interval.ts);
 * `bootstrap: { samples: 0 }` leaves the intervals out.
 */
import { basename } from "node:path";
import { z } from "zod";
import { parseOptions } from "../io/parse-options.js";
import type { LabelRow, ToolRole } from "../trajectory/schema.js";
import { KappaBootstrapSchema, kappaFromCounts, kappaIntervals, type ClusteredPair } from "./kappa-interval.js";

export interface KappaStats {
  n: number;
  agree: number;
  accuracy: number;
  kappa: number;
  /** Lower end of the bootstrap interval of κ (set by `agreement` unless its bootstrap is off). */
  lo?: number;
  /** Upper end of the bootstrap interval of κ. */
  hi?: number;
}

/** Options of `agreement`. */
export const AgreementOptionsSchema = z
  .object({
    bootstrap: KappaBootstrapSchema.prefault({}).describe("the κ intervals: resamples of trajectories, seed, level"),
  })
  .strict();

export type AgreementOptions = z.input<typeof AgreementOptionsSchema>;

export interface Disagreement {
  trajectoryId: string;
  callIndex: number;
  source: { file: string; line: number };
  role: ToolRole;
  tool: string;
  a: string;
  b: string;
  evidenceA?: string;
  evidenceB?: string;
}

export interface Agreement {
  /** Calls labelled in both sets (and joined). */
  matched: number;
  onlyA: number;
  onlyB: number;
  /** Matched calls whose roles differ between the sets (a tool-role map mismatch). */
  roleMismatches: number;
  overall: KappaStats;
  byRole: Partial<Record<ToolRole, KappaStats>>;
  /** Label names (rows A, columns B); "none" is a null label. */
  labels: string[];
  matrix: number[][];
  disagreements: Disagreement[];
  /** How the κ intervals were drawn (trajectories resampled `samples` times from `seed`). */
  bootstrap: { samples: number; seed: number; level: number; unit: "trajectory" };
}

const ORDER = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY", "none"];

/** What joins a call: its trajectory id, call index and the file it came from. */
export type CallRef = Pick<LabelRow, "trajectoryId" | "callIndex" | "source">;

/**
 * Join key of a call: trajectory id + call index, prefixed by the file's base name when that id
 * occurs in more than one file of either set (the same question in several eval files). Both sets
 * must use one keyer, or a call would be keyed with its file in one set and without in the other.
 * `trajectory` is the key of the call's trajectory (the bootstrap's cluster).
 */
export function callKeyer(...sets: ReadonlyArray<readonly CallRef[]>): {
  call: (r: CallRef) => string;
  trajectory: (r: CallRef) => string;
} {
  const files = new Map<string, Set<string>>();
  for (const r of sets.flat()) {
    let s = files.get(r.trajectoryId);
    if (!s) files.set(r.trajectoryId, (s = new Set()));
    s.add(basename(r.source.file));
  }
  const trajectory = (r: CallRef) =>
    ((files.get(r.trajectoryId)?.size ?? 0) > 1 ? `${basename(r.source.file)}\u0000` : "") + r.trajectoryId;
  return { trajectory, call: (r) => `${trajectory(r)}\u0000${r.callIndex}` };
}

/** Cohen's κ for paired labels. */
export function cohensKappa(pairs: ReadonlyArray<readonly [string, string]>): KappaStats {
  const n = pairs.length;
  if (n === 0) return { n: 0, agree: 0, accuracy: 0, kappa: 0 };
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    ca.set(a, (ca.get(a) ?? 0) + 1);
    cb.set(b, (cb.get(b) ?? 0) + 1);
  }
  const keys = [...ca.keys()];
  const kappa = kappaFromCounts(
    n,
    agree,
    keys.map((k) => ca.get(k)!),
    keys.map((k) => cb.get(k) ?? 0),
  );
  return { n, agree, accuracy: agree / n, kappa };
}

export function agreement(a: readonly LabelRow[], b: readonly LabelRow[], options: AgreementOptions = {}): Agreement {
  const o = parseOptions(AgreementOptionsSchema, options, "agreement options");
  const keys = callKeyer(a, b);
  const ka = keys.call;
  const kb = ka;
  const mapB = new Map(b.map((r) => [kb(r), r]));
  const used = new Set<string>();
  const pairs: Array<[LabelRow, LabelRow]> = [];
  let onlyA = 0;
  for (const r of a) {
    const k = ka(r);
    const o = mapB.get(k);
    if (!o) {
      onlyA++;
      continue;
    }
    used.add(k);
    pairs.push([r, o]);
  }
  const onlyB = b.length - used.size;
  const name = (r: LabelRow) => r.label ?? "none";
  const labels = ORDER.filter((l) => pairs.some(([x, y]) => name(x) === l || name(y) === l));
  const idx = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => labels.map(() => 0));
  for (const [x, y] of pairs) matrix[idx.get(name(x))!]![idx.get(name(y))!]!++;
  const byRole: Partial<Record<ToolRole, KappaStats>> = {};
  const clustered = (ps: Array<[LabelRow, LabelRow]>): ClusteredPair[] =>
    ps.map(([x, y]) => ({ cluster: keys.trajectory(x), a: name(x), b: name(y) }));
  const sets: ClusteredPair[][] = [clustered(pairs)];
  const overall: KappaStats = cohensKappa(pairs.map(([x, y]) => [name(x), name(y)] as const));
  const stats: KappaStats[] = [overall];
  for (const role of ["search", "page", "answer", "other"] as const) {
    const rp = pairs.filter(([x]) => x.role === role);
    if (!rp.length) continue;
    const k: KappaStats = cohensKappa(rp.map(([x, y]) => [name(x), name(y)] as const));
    byRole[role] = k;
    stats.push(k);
    sets.push(clustered(rp));
  }
  kappaIntervals(sets, o.bootstrap).kappa.forEach((iv, i) => {
    if (iv) Object.assign(stats[i]!, iv);
  });
  const disagreements: Disagreement[] = pairs
    .filter(([x, y]) => name(x) !== name(y))
    .map(([x, y]) => ({
      trajectoryId: x.trajectoryId,
      callIndex: x.callIndex,
      source: x.source,
      role: x.role,
      tool: x.tool,
      a: name(x),
      b: name(y),
      ...(x.evidence ? { evidenceA: x.evidence } : {}),
      ...(y.evidence ? { evidenceB: y.evidence } : {}),
    }));
  return {
    matched: pairs.length,
    onlyA,
    onlyB,
    roleMismatches: pairs.filter(([x, y]) => x.role !== y.role).length,
    overall,
    byRole,
    labels,
    matrix,
    disagreements,
    bootstrap: { ...o.bootstrap, unit: "trajectory" },
  };
}
