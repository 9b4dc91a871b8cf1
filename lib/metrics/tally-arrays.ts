/**
 * A corpus's tallies in typed arrays, the input of reward replay and sweeps: one slot per
 * trajectory, ordered so that the rollouts of a group are contiguous (`groupStart`), with the
 * per-claim checks in CSR form (`checkStart`/`checks`) so another B_v can be applied.
 */
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { trajectoryKey } from "../trajectory/ids.js";
import { formatValid } from "./format-validity.js";
import { indexLabels } from "./tables.js";
import { talliesOf } from "./tallies.js";

export interface TallyArrays {
  n: number;
  keys: string[];
  T: Int32Array;
  labelled: Int32Array;
  nUniqS: Int32Array;
  nRedS: Int32Array;
  nExplore: Int32Array;
  nVerify: Int32Array;
  nRedQ: Int32Array;
  nRedQFixed: Int32Array;
  /** 1 when the labels carry claim data (B_v can be re-applied). */
  hasClaims: Uint8Array;
  checkStart: Int32Array;
  checks: Int32Array;
  correct: Uint8Array;
  formatOk: Uint8Array;
  /** Group boundaries: group g is slots [groupStart[g], groupStart[g+1]). Ungrouped rollouts are groups of one. */
  groupStart: Int32Array;
  groupIds: string[];
  /** B_v the labels were made with. */
  labelsBv: number;
}

/**
 * Tally arrays of `n` slots, every count zero: the typed columns allocated once here for every
 * producer (trace files, a corpus, sampled rollouts). No keys, no groups (`groupStart` and
 * `groupIds` empty) and no claim checks (`checkStart` all 0, `checks` empty): the producer sets them.
 */
export function emptyTallyArrays(n: number, labelsBv = 1): TallyArrays {
  return {
    n,
    keys: [],
    T: new Int32Array(n),
    labelled: new Int32Array(n),
    nUniqS: new Int32Array(n),
    nRedS: new Int32Array(n),
    nExplore: new Int32Array(n),
    nVerify: new Int32Array(n),
    nRedQ: new Int32Array(n),
    nRedQFixed: new Int32Array(n),
    hasClaims: new Uint8Array(n),
    checkStart: new Int32Array(n + 1),
    checks: new Int32Array(0),
    correct: new Uint8Array(n),
    formatOk: new Uint8Array(n),
    groupStart: new Int32Array(0),
    groupIds: [],
    labelsBv,
  };
}

export function tallyArrays(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
  labelsBv = 1,
): TallyArrays {
  const rowsOf = indexLabels(labels);
  // contiguous groups, in order of first appearance
  const order: number[] = [];
  const groups = new Map<string, number[]>();
  trajectories.forEach((t, i) => {
    const g = t.provenance.groupId ?? `\u0000${i}`;
    let a = groups.get(g);
    if (!a) groups.set(g, (a = []));
    a.push(i);
  });
  const groupIds: string[] = [];
  const starts: number[] = [];
  for (const [g, idx] of groups) {
    starts.push(order.length);
    groupIds.push(g.startsWith("\u0000") ? "" : g);
    order.push(...idx);
  }
  starts.push(order.length);
  const n = order.length;
  const a: TallyArrays = {
    ...emptyTallyArrays(n, labelsBv),
    keys: new Array(n),
    groupStart: Int32Array.from(starts),
    groupIds,
  };
  const checks: number[] = [];
  order.forEach((ti, k) => {
    const t = trajectories[ti]!;
    const tal = talliesOf(rowsOf(t), t.calls.length);
    a.keys[k] = trajectoryKey(t);
    a.T[k] = tal.T;
    a.labelled[k] = tal.labelled;
    a.nUniqS[k] = tal.nUniqS;
    a.nRedS[k] = tal.nRedS;
    a.nExplore[k] = tal.nExplore;
    a.nVerify[k] = tal.nVerify;
    a.nRedQ[k] = tal.nRedQ;
    a.nRedQFixed[k] = tal.nRedQFixed;
    a.hasClaims[k] = tal.claimChecks ? 1 : 0;
    a.checkStart[k] = checks.length;
    if (tal.claimChecks) checks.push(...tal.claimChecks);
    a.correct[k] = t.verdict === "correct" ? 1 : 0;
    a.formatOk[k] = formatValid(t) ? 1 : 0;
  });
  a.checkStart[n] = checks.length;
  a.checks = Int32Array.from(checks);
  return a;
}
