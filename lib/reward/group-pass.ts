/**
 * One setting's pass over the groups of a corpus (a small hot function of its own, so the engine
 * optimises it apart from the orchestration in sweep.ts): groups with ≥ 2 rollouts, those with
 * σ > 0, those where an incorrect rollout outscores a correct one, the favoured rollouts (reward
 * above their group's mean) with their Σ breadth / depth / horizon, and rank changes against the
 * reference (the first setting, whose rewards and ranks this pass records).
 */
import type { TallyArrays } from "../metrics/tally-arrays.js";
import type { RolloutTypes } from "./rollout-types.js";

/** What does not change between settings: the groups and the per-rollout measures. */
export interface GroupLayout {
  /** Group g is slots [groupStart[g], groupStart[g+1]). */
  groupStart: Int32Array;
  correct: Uint8Array;
  /** Groups holding both correct and incorrect rollouts (only they can have incorrect above correct). */
  mixed: Uint8Array;
  breadth: Float64Array;
  horizon: Float64Array;
}

export function groupLayout(a: TallyArrays): GroupLayout {
  const gs = a.groupStart;
  const nG = gs.length - 1;
  const mixed = new Uint8Array(nG);
  for (let g = 0; g < nG; g++) {
    let c = 0;
    for (let i = gs[g]!; i < gs[g + 1]!; i++) c += a.correct[i]!;
    mixed[g] = c > 0 && c < gs[g + 1]! - gs[g]! ? 1 : 0;
  }
  const breadth = new Float64Array(a.n);
  const horizon = new Float64Array(a.n);
  for (let i = 0; i < a.n; i++) {
    breadth[i] = a.nUniqS[i]! + a.nExplore[i]!;
    horizon[i] = a.T[i]!;
  }
  return { groupStart: gs, correct: a.correct, mixed, breadth, horizon };
}

/**
 * The reference (first) setting: its replay key and per-type rewards (set by the sweep), and the
 * reward and rank (members strictly above) of every rollout (recorded by its group pass).
 */
export interface Reference {
  key: string;
  R: Float64Array;
  rewards: Float64Array;
  ranks: Int32Array;
}

export function emptyReference(n: number): Reference {
  return { key: "", R: new Float64Array(0), rewards: new Float64Array(n), ranks: new Int32Array(n) };
}

/** One setting as the pass sees it. */
export interface GroupPassSetting {
  types: RolloutTypes;
  /** Reward of each type. */
  R: Float64Array;
  /** This is the reference: record its rewards and ranks. */
  first: boolean;
  /** Every rollout gets the reference's reward (no rank can change). */
  same: boolean;
  /** Count rank changes. */
  ranks: boolean;
}

export interface GroupPassResult {
  /** Groups with ≥ 2 rollouts, those with σ > 0, those with an incorrect above a correct. */
  multi: number;
  informative: number;
  incAbove: number;
  /** Favoured rollouts and their Σ breadth, depth, horizon. */
  fav: number;
  fb: number;
  fd: number;
  fh: number;
  /** Rollouts whose rank differs from the reference's. */
  changes: number;
}

/** Reused between settings: a buffer for one group's rewards. */
export interface GroupScratch {
  vals: Float64Array;
}

export function groupPass(
  layout: GroupLayout,
  ref: Reference,
  setting: GroupPassSetting,
  scratch: GroupScratch,
): GroupPassResult {
  const { groupStart: gs, correct, mixed, breadth, horizon } = layout;
  const { rewards: refR, ranks: refRank } = ref;
  const { R, first, same, ranks } = setting;
  const { of, multiType, nVerify } = setting.types;
  const nG = gs.length - 1;
  let vals = scratch.vals;
  let multi = 0;
  let informative = 0;
  let incAbove = 0;
  let fav = 0;
  let fb = 0;
  let fd = 0;
  let fh = 0;
  let changes = 0;
  for (let g = 0; g < nG; g++) {
    const s = gs[g]!;
    const e = gs[g + 1]!;
    const size = e - s;
    if (vals.length < size) vals = scratch.vals = new Float64Array(size * 2);
    // the group's rewards, gathered once into a local buffer
    let gsum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < size; k++) {
      const x = R[of[s + k]!]!;
      vals[k] = x;
      gsum += x;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    if (first) for (let k = 0; k < size; k++) refR[s + k] = vals[k]!;
    if (size < 2) continue;
    multi++;
    if (mixed[g]) {
      let maxInc = -Infinity;
      let minCor = Infinity;
      for (let k = 0; k < size; k++) {
        const x = vals[k]!;
        if (correct[s + k]) {
          if (x < minCor) minCor = x;
        } else if (x > maxInc) maxInc = x;
      }
      if (maxInc > minCor + 1e-12) incAbove++;
    }
    // σ > 0 exactly when the group's rewards are not all equal
    if (hi > lo) {
      informative++;
      const mean = gsum / size;
      const bar = mean + 1e-12;
      for (let k = 0; k < size; k++) {
        const up = +(vals[k]! > bar);
        const i = s + k;
        fav += up;
        fb += up * breadth[i]!;
        fd += up * nVerify[i]!;
        fh += up * horizon[i]!;
      }
    }
    if (!ranks) continue;
    if (first) {
      for (let k = 0; k < size; k++) {
        const x = vals[k]!;
        let c = 0;
        for (let j = 0; j < size; j++) c += +(vals[j]! > x);
        refRank[s + k] = c;
      }
      continue;
    }
    if (same) continue;
    // one type for the whole group: all tied (rank 0), which moved only where the reference was not tied
    if (!multiType[g]) {
      for (let k = 0; k < size; k++) changes += +(refRank[s + k] !== 0);
      continue;
    }
    // rank = members strictly above; counted with boolean arithmetic, no data-dependent
    // branches (groups are small, and branches on random rewards mispredict)
    for (let k = 0; k < size; k++) {
      const x = vals[k]!;
      let c = 0;
      for (let j = 0; j < size; j++) c += +(vals[j]! > x);
      changes += +(c !== refRank[s + k]);
    }
  }
  return { multi, informative, incAbove, fav, fb, fd, fh, changes };
}
