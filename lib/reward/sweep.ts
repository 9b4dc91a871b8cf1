/**
 * Counterfactual replay and sweeps: the rewards a whole corpus would get under other settings,
 * computed from its tallies in typed arrays (no re-labelling, B_v re-applied from per-claim
 * checks). For each setting:
 *
 * - meanCorrect / meanIncorrect and their separation (meanCorrect − meanIncorrect);
 * - informativeGroups: share of groups (≥ 2 rollouts) with σ > 0, i.e. that give GRPO a signal;
 * - rankChanges: rollouts whose rank within their group (number of group members with a
 *   strictly higher reward) differs from the reference setting (the first one given);
 * - groupsIncorrectAbove: groups where some incorrect rollout outscores some correct one;
 * - favoured breadth / depth / horizon: means over the rollouts the setting would reinforce
 *   (reward above their group's mean, in informative groups): what the setting pushes towards;
 * - warnings: the formula guardrails (`rewardGuardrails`), `incorrect-above-correct` when it
 *   happens on this corpus, and `no-effect` when the setting differs from the reference but
 *   gives every rollout the same reward.
 */
import type { TallyArrays } from "../metrics/tally-arrays.js";
import { rewardGuardrails, type Guardrail } from "./guardrails.js";
import type { RewardConfig } from "./reward-config.js";

export interface SweepRow {
  setting: number;
  config: RewardConfig;
  meanCorrect: number;
  meanIncorrect: number;
  separation: number;
  nCorrect: number;
  nIncorrect: number;
  informativeGroups: number;
  rankChanges: number;
  groupsIncorrectAbove: number;
  favouredBreadth: number;
  favouredDepth: number;
  favouredHorizon: number;
  warnings: Array<Guardrail | { code: "incorrect-above-correct" | "no-effect"; message: string }>;
}

interface Derived {
  rho: Float64Array;
  dS: Float64Array;
  dQ: Float64Array;
  nVerify: Float64Array;
}

function derive(a: TallyArrays, cfg: RewardConfig): Derived {
  const n = a.n;
  const rho = new Float64Array(n);
  const dS = new Float64Array(n);
  const dQ = new Float64Array(n);
  const nVerify = new Float64Array(n);
  const rebudget = cfg.Bv !== a.labelsBv;
  for (let i = 0; i < n; i++) {
    let v = a.nVerify[i]!;
    let rq = a.nRedQ[i]!;
    if (rebudget && a.hasClaims[i]) {
      v = 0;
      rq = a.nRedQFixed[i]!;
      for (let k = a.checkStart[i]!; k < a.checkStart[i + 1]!; k++) {
        const c = a.checks[k]!;
        v += Math.min(c, cfg.Bv);
        rq += Math.max(0, c - cfg.Bv);
      }
    }
    const T = cfg.countT === "all" ? a.T[i]! : a.labelled[i]!;
    rho[i] = T === 0 ? cfg.rhoWhenNoCalls : (a.nRedS[i]! + rq) / T;
    let s = a.nUniqS[i]! - a.nRedS[i]!;
    let q = a.nExplore[i]! + v - rq;
    if (cfg.clipDelta) {
      s = Math.max(0, s);
      q = Math.max(0, q);
    }
    dS[i] = s;
    dQ[i] = q;
    nVerify[i] = v;
  }
  return { rho, dS, dQ, nVerify };
}

/** Rewards of every rollout under one setting (same order as the arrays). */
export function replayRewards(a: TallyArrays, cfg: RewardConfig, d: Derived = derive(a, cfg), out = new Float64Array(a.n)): Float64Array {
  const { rho, dS, dQ } = d;
  const fw = cfg.formatWeight;
  if (cfg.stage === "vanilla") {
    for (let i = 0; i < a.n; i++) out[i] = fw * a.formatOk[i]! + cfg.correctWeight * a.correct[i]!;
    return out;
  }
  const invS = 1 / cfg.CS;
  const invQ = 1 / cfg.CQ;
  const { c1, c2, floor } = cfg;
  for (let i = 0; i < a.n; i++) {
    let r: number;
    if (a.correct[i]) {
      const x = 1 - rho[i]!;
      r = x > floor ? x : floor;
    } else {
      const s = dS[i]! * invS;
      const q = dQ[i]! * invQ;
      r = c1 * (s < 1 ? s : 1) + c2 * (q < 1 ? q : 1);
    }
    out[i] = fw * a.formatOk[i]! + r;
  }
  return out;
}

function derivedKey(c: RewardConfig): string {
  return `${c.Bv}|${c.countT}|${c.clipDelta}|${c.rhoWhenNoCalls}`;
}

export interface SweepOptions {
  /** Compute rank changes (O(group size²) per group and setting); default true. */
  ranks?: boolean;
  /**
   * Compute the group statistics (informative groups, rank changes, favoured behaviour,
   * incorrect-above-correct, no-effect): one pass over the corpus per setting. Default true.
   * Without them each setting costs O(log n): means and separation come from sorted prefix sums.
   */
  groups?: boolean;
}

/** Sorted values with prefix sums: Σ of the values below a threshold in O(log n). */
class SortedSums {
  readonly v: Float64Array;
  readonly prefix: Float64Array;
  constructor(values: Float64Array) {
    this.v = Float64Array.from(values).sort();
    this.prefix = new Float64Array(this.v.length + 1);
    for (let i = 0; i < this.v.length; i++) this.prefix[i + 1] = this.prefix[i]! + this.v[i]!;
  }
  /** Number of values < x. */
  below(x: number): number {
    let lo = 0;
    let hi = this.v.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.v[m]! < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  /** Σ_i max(v_i, floor). */
  sumMaxFloor(floor: number): number {
    const k = this.below(floor); // values below the floor are raised to it
    return floor * k + (this.prefix[this.v.length]! - this.prefix[k]!);
  }
  /** Σ_i min(1, v_i / C) for C > 0. */
  sumMinOne(C: number): number {
    const k = this.below(C);
    return this.prefix[k]! / C + (this.v.length - k);
  }
}

interface MeanParts {
  nc: number;
  ni: number;
  fmtC: number;
  fmtI: number;
  a: SortedSums;
  s: SortedSums;
  q: SortedSums;
}

function meanParts(arr: TallyArrays, d: Derived): MeanParts {
  const ca: number[] = [];
  const is: number[] = [];
  const iq: number[] = [];
  let fmtC = 0;
  let fmtI = 0;
  for (let i = 0; i < arr.n; i++) {
    if (arr.correct[i]) {
      ca.push(1 - d.rho[i]!);
      fmtC += arr.formatOk[i]!;
    } else {
      is.push(d.dS[i]!);
      iq.push(d.dQ[i]!);
      fmtI += arr.formatOk[i]!;
    }
  }
  return { nc: ca.length, ni: is.length, fmtC, fmtI, a: new SortedSums(Float64Array.from(ca)), s: new SortedSums(Float64Array.from(is)), q: new SortedSums(Float64Array.from(iq)) };
}

/** Mean reward of correct and incorrect rollouts under one setting, in O(log n). */
function fastMeans(m: MeanParts, cfg: RewardConfig): { meanCorrect: number; meanIncorrect: number } {
  const fw = cfg.formatWeight;
  if (cfg.stage === "vanilla") return { meanCorrect: m.nc ? (fw * m.fmtC) / m.nc + cfg.correctWeight : NaN, meanIncorrect: m.ni ? (fw * m.fmtI) / m.ni : NaN };
  return {
    meanCorrect: m.nc ? (fw * m.fmtC + m.a.sumMaxFloor(cfg.floor)) / m.nc : NaN,
    meanIncorrect: m.ni ? (fw * m.fmtI + cfg.c1 * m.s.sumMinOne(cfg.CS) + cfg.c2 * m.q.sumMinOne(cfg.CQ)) / m.ni : NaN,
  };
}

/**
 * One setting's pass over the groups (kept apart from `sweep` so the engine optimises it as a
 * small hot function). Returns [multi, informative, incAbove, fav, fb, fd, fh, changes].
 */
function groupPass(
  gs: Int32Array,
  of: Int32Array,
  R: Float64Array,
  correctArr: Uint8Array,
  mixed: Uint8Array,
  multiType: Uint8Array,
  breadth: Float64Array,
  nVerify: Float64Array,
  horizon: Float64Array,
  ref: Float64Array,
  refRank: Int32Array,
  first: boolean,
  same: boolean,
  ranks: boolean,
  scratch: { vals: Float64Array; out: Float64Array },
): Float64Array {
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
      if (first) for (let k = 0; k < size; k++) ref[s + k] = vals[k]!;
      if (size < 2) continue;
      multi++;
      if (mixed[g]) {
        let maxInc = -Infinity;
        let minCor = Infinity;
        for (let k = 0; k < size; k++) {
          const x = vals[k]!;
          if (correctArr[s + k]) {
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
  const o = scratch.out;
  o[0] = multi;
  o[1] = informative;
  o[2] = incAbove;
  o[3] = fav;
  o[4] = fb;
  o[5] = fd;
  o[6] = fh;
  o[7] = changes;
  return o;
}

/** Replay the corpus under every setting; the first setting is the reference for rank changes and no-effect. */
export function sweep(a: TallyArrays, settings: readonly RewardConfig[], opts: SweepOptions = {}): SweepRow[] {
  const ranks = opts.ranks ?? true;
  if (opts.groups === false) {
    const parts = new Map<string, MeanParts>();
    const cacheD = new Map<string, Derived>();
    return settings.map((cfg, si) => {
      const k = derivedKey(cfg);
      let m = parts.get(k);
      if (!m) {
        let d = cacheD.get(k);
        if (!d) cacheD.set(k, (d = derive(a, cfg)));
        parts.set(k, (m = meanParts(a, d)));
      }
      const { meanCorrect, meanIncorrect } = fastMeans(m, cfg);
      return {
        setting: si,
        config: cfg,
        meanCorrect,
        meanIncorrect,
        separation: meanCorrect - meanIncorrect,
        nCorrect: m.nc,
        nIncorrect: m.ni,
        informativeGroups: NaN,
        rankChanges: NaN,
        groupsIncorrectAbove: NaN,
        favouredBreadth: NaN,
        favouredDepth: NaN,
        favouredHorizon: NaN,
        warnings: [...rewardGuardrails(cfg)],
      };
    });
  }
  // Rollouts with the same (correct, format, ρ) or (correct, format, Δ_S, Δ_Q) get the same reward
  // under every setting: rewards are computed once per type and gathered per rollout.
  interface Types {
    of: Int32Array;
    cor: Uint8Array;
    fmt: Uint8Array;
    rho: Float64Array;
    dS: Float64Array;
    dQ: Float64Array;
    nVerify: Float64Array;
    /** Rollouts of each type. */
    count: Float64Array;
    /** Groups with more than one type (only their ranks can move). */
    multiType: Uint8Array;
  }
  const typeCache = new Map<string, Types>();
  const typesFor = (cfg: RewardConfig): Types => {
    const k = derivedKey(cfg);
    let t = typeCache.get(k);
    if (t) return t;
    const d = derive(a, cfg);
    const ids = new Map<string, number>();
    const of = new Int32Array(a.n);
    const cor: number[] = [];
    const fmt: number[] = [];
    const rho: number[] = [];
    const dS: number[] = [];
    const dQ: number[] = [];
    for (let i = 0; i < a.n; i++) {
      const c = a.correct[i]!;
      const key = c ? `c${a.formatOk[i]}|${d.rho[i]}` : `i${a.formatOk[i]}|${d.dS[i]}|${d.dQ[i]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = cor.length;
        ids.set(key, id);
        cor.push(c);
        fmt.push(a.formatOk[i]!);
        rho.push(d.rho[i]!);
        dS.push(d.dS[i]!);
        dQ.push(d.dQ[i]!);
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
    t = { of, cor: Uint8Array.from(cor), fmt: Uint8Array.from(fmt), rho: Float64Array.from(rho), dS: Float64Array.from(dS), dQ: Float64Array.from(dQ), nVerify: d.nVerify, count, multiType };
    typeCache.set(k, t);
    return t;
  };
  const n = a.n;
  const ref = new Float64Array(n);
  const refRank = new Int32Array(n);
  const breadth = new Float64Array(n);
  const horizon = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    breadth[i] = a.nUniqS[i]! + a.nExplore[i]!;
    horizon[i] = a.T[i]!;
  }
  const rows: SweepRow[] = [];
  const gs = a.groupStart;
  const nG = gs.length - 1;
  const correctArr = a.correct;
  // groups holding both correct and incorrect rollouts (only they can have incorrect above correct)
  const mixed = new Uint8Array(nG);
  for (let g = 0; g < nG; g++) {
    let c = 0;
    for (let i = gs[g]!; i < gs[g + 1]!; i++) c += correctArr[i]!;
    mixed[g] = c > 0 && c < gs[g + 1]! - gs[g]! ? 1 : 0;
  }
  let refKey = "";
  let refR = new Float64Array(0);
  const scratch = { vals: new Float64Array(16), out: new Float64Array(8) };
  for (let si = 0; si < settings.length; si++) {
    const cfg = settings[si]!;
    const ty = typesFor(cfg);
    const nVerify = ty.nVerify;
    const of = ty.of;
    const multiType = ty.multiType;
    // reward of every type
    const nt = ty.cor.length;
    const R = new Float64Array(nt);
    const fw = cfg.formatWeight;
    if (cfg.stage === "vanilla") for (let k = 0; k < nt; k++) R[k] = fw * ty.fmt[k]! + cfg.correctWeight * ty.cor[k]!;
    else {
      const invS = 1 / cfg.CS;
      const invQ = 1 / cfg.CQ;
      for (let k = 0; k < nt; k++) {
        let x: number;
        if (ty.cor[k]) {
          const y = 1 - ty.rho[k]!;
          x = y > cfg.floor ? y : cfg.floor;
        } else {
          const p = ty.dS[k]! * invS;
          const q = ty.dQ[k]! * invQ;
          x = cfg.c1 * (p < 1 ? p : 1) + cfg.c2 * (q < 1 ? q : 1);
        }
        R[k] = fw * ty.fmt[k]! + x;
      }
    }
    const first = si === 0;
    const key = derivedKey(cfg);
    if (first) {
      refKey = key;
      refR = R;
    }
    // same rewards as the reference for every rollout?
    let same = !first;
    if (!first) {
      if (key === refKey) {
        for (let k = 0; k < nt && same; k++) if (R[k] !== refR[k]) same = false;
      } else for (let i = 0; i < n && same; i++) if (R[of[i]!] !== ref[i]) same = false;
    }
    // class sums from the type counts
    let sc = 0;
    let sInc = 0;
    let nc = 0;
    let ni = 0;
    for (let k = 0; k < nt; k++) {
      if (ty.cor[k]) {
        sc += ty.count[k]! * R[k]!;
        nc += ty.count[k]!;
      } else {
        sInc += ty.count[k]! * R[k]!;
        ni += ty.count[k]!;
      }
    }
    const st = groupPass(gs, of, R, correctArr, mixed, multiType, breadth, nVerify, horizon, ref, refRank, first, same, ranks, scratch);
    const multi = st[0]!;
    const informative = st[1]!;
    const incAbove = st[2]!;
    const fav = st[3]!;
    const fb = st[4]!;
    const fd = st[5]!;
    const fh = st[6]!;
    const changes = st[7]!;
    rows.push(sweepRowFrom({ setting: si, config: cfg, sc, sInc, nc, ni, multi, informative, incAbove, fav, fb, fd, fh, changes, same }));
  }
  return rows;
}

/** The sums one pass (typed arrays or SQL) gathers for a setting. */
export interface SweepSums {
  setting: number;
  config: RewardConfig;
  /** Σ rewards and counts of correct / incorrect rollouts. */
  sc: number;
  sInc: number;
  nc: number;
  ni: number;
  /** Groups with ≥ 2 rollouts, those with σ > 0, those with an incorrect above a correct. */
  multi: number;
  informative: number;
  incAbove: number;
  /** Favoured rollouts and their Σ breadth, depth, horizon. */
  fav: number;
  fb: number;
  fd: number;
  fh: number;
  changes: number;
  /** Every rollout gets the reference's reward. */
  same: boolean;
}

/** A sweep row (means, shares, warnings) from a setting's sums; shared by `sweep` and `corpusSweep`. */
export function sweepRowFrom(x: SweepSums): SweepRow {
  const warnings: SweepRow["warnings"] = [...rewardGuardrails(x.config)];
  if (x.incAbove) warnings.push({ code: "incorrect-above-correct", message: `in ${x.incAbove} group(s) of this corpus an incorrect rollout outscores a correct one` });
  if (x.same) warnings.push({ code: "no-effect", message: "this setting gives every rollout of the corpus the same reward as the reference" });
  return {
    setting: x.setting,
    config: x.config,
    meanCorrect: x.nc ? x.sc / x.nc : NaN,
    meanIncorrect: x.ni ? x.sInc / x.ni : NaN,
    separation: x.nc && x.ni ? x.sc / x.nc - x.sInc / x.ni : NaN,
    nCorrect: x.nc,
    nIncorrect: x.ni,
    informativeGroups: x.multi ? x.informative / x.multi : NaN,
    rankChanges: x.changes,
    groupsIncorrectAbove: x.incAbove,
    favouredBreadth: x.fav ? x.fb / x.fav : NaN,
    favouredDepth: x.fav ? x.fd / x.fav : NaN,
    favouredHorizon: x.fav ? x.fh / x.fav : NaN,
    warnings,
  };
}

/**
 * Settings that no other setting beats on every one of `keys` (all maximised), e.g. the
 * Pareto front of favoured breadth / depth / horizon against separation.
 */
export function paretoFront(rows: readonly SweepRow[], keys: ReadonlyArray<"separation" | "favouredBreadth" | "favouredDepth" | "favouredHorizon" | "informativeGroups"> = ["favouredBreadth", "favouredDepth", "favouredHorizon", "separation"]): SweepRow[] {
  const ok = rows.filter((r) => keys.every((k) => Number.isFinite(r[k])));
  return ok.filter((a) => !ok.some((b) => b !== a && keys.every((k) => b[k] >= a[k]) && keys.some((k) => b[k] > a[k])));
}
