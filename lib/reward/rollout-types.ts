/**
 * Rollouts grouped by type for the sweep: rollouts with the same (correct, R_format, ρ) or
 * (correct, R_format, Δ_S, Δ_Q) get the same reward under every setting that shares their replay
 * key, so rewards are computed once per type and gathered per rollout.
 */
import type { TallyArrays } from "../metrics/tally-arrays.js";
import type { RewardColumns } from "./reward-kernel.js";
import type { ReplayColumns } from "./replay.js";

/** One slot per type, in the kernel's column layout, plus how rollouts map to types. */
export interface RolloutTypes extends RewardColumns {
  /** Type of each rollout. */
  of: Int32Array;
  /** n_verify of each rollout (not per type: depth is reported per rollout). */
  nVerify: Float64Array;
  /** Rollouts of each type. */
  count: Float64Array;
  /** Groups with more than one type (only their ranks can move). */
  multiType: Uint8Array;
}

/** A map from numbers to `T`, made on first use of the number (keys compare as SameValueZero: 0 and −0 are one key). */
function child<T>(m: Map<number, T>, k: number, make: () => T): T {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

export function rolloutTypes(a: TallyArrays, cols: ReplayColumns): RolloutTypes {
  // type ids by (R_format, ρ) for correct rollouts and (R_format, Δ_S, Δ_Q) for the others, in order
  // of first appearance; numeric keys, so no number is turned into a string
  const correctIds = new Map<number, Map<number, number>>();
  const incorrectIds = new Map<number, Map<number, Map<number, number>>>();
  const of = new Int32Array(a.n);
  const cor: number[] = [];
  const fmt: number[] = [];
  const rho: number[] = [];
  const dS: number[] = [];
  const dQ: number[] = [];
  for (let i = 0; i < a.n; i++) {
    const c = a.correct[i]!;
    const f = a.formatOk[i]!;
    const ids = c
      ? child(correctIds, f, () => new Map<number, number>())
      : child(
          child(incorrectIds, f, () => new Map<number, Map<number, number>>()),
          cols.dS[i]!,
          () => new Map<number, number>(),
        );
    const key = c ? cols.rho[i]! : cols.dQ[i]!;
    let id = ids.get(key);
    if (id === undefined) {
      id = cor.length;
      ids.set(key, id);
      cor.push(c);
      fmt.push(f);
      rho.push(cols.rho[i]!);
      dS.push(cols.dS[i]!);
      dQ.push(cols.dQ[i]!);
    }
    of[i] = id;
  }
  const count = new Float64Array(cor.length);
  for (let i = 0; i < a.n; i++) count[of[i]!]!++;
  const multiType = new Uint8Array(a.groupStart.length - 1);
  for (let g = 0; g + 1 < a.groupStart.length; g++) {
    const first = of[a.groupStart[g]!]!;
    for (let i = a.groupStart[g]! + 1; i < a.groupStart[g + 1]!; i++) if (of[i] !== first) multiType[g] = 1;
  }
  return {
    of,
    correct: Uint8Array.from(cor),
    formatOk: Uint8Array.from(fmt),
    rho: Float64Array.from(rho),
    dS: Float64Array.from(dS),
    dQ: Float64Array.from(dQ),
    nVerify: cols.nVerify,
    count,
    multiType,
  };
}

/** Σ reward and number of the correct and incorrect rollouts. */
export interface ClassSums {
  sc: number;
  sInc: number;
  nc: number;
  ni: number;
}

/** The class sums from per-type rewards `R` and the type counts. */
export function classSums(t: RolloutTypes, R: Float64Array): ClassSums {
  let sc = 0;
  let sInc = 0;
  let nc = 0;
  let ni = 0;
  for (let k = 0; k < R.length; k++) {
    if (t.correct[k]) {
      sc += t.count[k]! * R[k]!;
      nc += t.count[k]!;
    } else {
      sInc += t.count[k]! * R[k]!;
      ni += t.count[k]!;
    }
  }
  return { sc, sInc, nc, ni };
}
