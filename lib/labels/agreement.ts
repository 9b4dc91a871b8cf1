/**
 * Agreement between two label sets (deterministic vs LLM, either vs hand labels): the calls
 * both label, a confusion matrix, Cohen's κ overall and per role, and every disagreeing call.
 *
 * Rows join on trajectory id + call index; when an id occurs in several files of one set,
 * the file name joins too. κ = (p_o − p_e) / (1 − p_e); when p_e = 1 (one label only on
 * both sides) κ is 1 if they agree fully and 0 otherwise.
 */
import { basename } from "node:path";
import type { LabelRow, ToolRole } from "../trajectory/schema.js";

export interface KappaStats {
  n: number;
  agree: number;
  accuracy: number;
  kappa: number;
}

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
}

const ORDER = ["UNIQUESEARCH", "REDUNDANTSEARCH", "EXPLORATION", "VERIFICATION", "REDUNDANTQUERY", "none"];

/**
 * Join key of a call: trajectory id + call index, prefixed by the file's base name when that id
 * occurs in more than one file of either set (the same question in several eval files). Both sets
 * must use one keyer, or a call would be keyed with its file in one set and without in the other.
 */
function keyer(...sets: ReadonlyArray<readonly LabelRow[]>): (r: LabelRow) => string {
  const files = new Map<string, Set<string>>();
  for (const r of sets.flat()) {
    let s = files.get(r.trajectoryId);
    if (!s) files.set(r.trajectoryId, (s = new Set()));
    s.add(basename(r.source.file));
  }
  return (r) =>
    ((files.get(r.trajectoryId)?.size ?? 0) > 1 ? `${basename(r.source.file)}\u0000` : "") +
    `${r.trajectoryId}\u0000${r.callIndex}`;
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
  const po = agree / n;
  let pe = 0;
  for (const [k, v] of ca) pe += (v / n) * ((cb.get(k) ?? 0) / n);
  const kappa = pe >= 1 ? (po === 1 ? 1 : 0) : (po - pe) / (1 - pe);
  return { n, agree, accuracy: po, kappa };
}

export function agreement(a: readonly LabelRow[], b: readonly LabelRow[]): Agreement {
  const ka = keyer(a, b);
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
  for (const role of ["search", "page", "answer", "other"] as const) {
    const ps = pairs.filter(([x]) => x.role === role).map(([x, y]) => [name(x), name(y)] as const);
    if (ps.length) byRole[role] = cohensKappa(ps);
  }
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
    overall: cohensKappa(pairs.map(([x, y]) => [name(x), name(y)] as const)),
    byRole,
    labels,
    matrix,
    disagreements,
  };
}
