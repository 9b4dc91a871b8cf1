/**
 * Per-rollout tallies of Eq. 7 from a trajectory's label rows, with the per-claim check
 * counts that let a replay apply another B_v: with budget B, each claim's first B checks are
 * VERIFICATION and the rest REDUNDANTQUERY (a batched page call counts as one check).
 */
import type { LabelRow } from "../trajectory/schema.js";

export interface Tallies {
  /** Tool calls counted in T (see RewardConfig.countT: `T` all calls, `labelled` those with a label). */
  T: number;
  labelled: number;
  nUniqS: number;
  nRedS: number;
  nExplore: number;
  nVerify: number;
  nRedQ: number;
  /** REDUNDANTQUERY calls that are not checks (same URL again): independent of B_v. */
  nRedQFixed: number;
  /** Checks per claim, in claim order; null when the labels carry no claim data (LLM labels). */
  claimChecks: number[] | null;
}

export function emptyTallies(): Tallies {
  return { T: 0, labelled: 0, nUniqS: 0, nRedS: 0, nExplore: 0, nVerify: 0, nRedQ: 0, nRedQFixed: 0, claimChecks: [] };
}

/** Tallies of one trajectory from its rows (any order; all calls of the trajectory). */
export function talliesOf(rows: readonly LabelRow[], totalCalls = rows.length): Tallies {
  const t = emptyTallies();
  t.T = totalCalls;
  const checks = new Map<number, number>();
  let claimData = true;
  for (const r of rows) {
    if (r.label !== null) t.labelled++;
    switch (r.label) {
      case "UNIQUESEARCH":
        t.nUniqS++;
        break;
      case "REDUNDANTSEARCH":
        t.nRedS++;
        break;
      case "EXPLORATION":
        t.nExplore++;
        break;
      case "VERIFICATION":
        t.nVerify++;
        break;
      case "REDUNDANTQUERY":
        t.nRedQ++;
        break;
    }
    if (r.role === "page") {
      if (r.check === undefined) claimData = false;
      else if (r.check && r.claim !== undefined) checks.set(r.claim, (checks.get(r.claim) ?? 0) + 1);
      else if (r.label === "REDUNDANTQUERY") t.nRedQFixed++;
    }
  }
  t.claimChecks = claimData ? [...checks.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n) : null;
  return t;
}

export interface BudgetedChecks {
  verify: number;
  extra: number;
}

/**
 * Checks `checks[from, to)` (one entry per claim) under verification budget `Bv`: each claim's
 * first `Bv` checks are VERIFICATION (`verify`), the rest REDUNDANTQUERY (`extra`). The one
 * definition of the B_v replay, for one rollout (`rebudget`) and over a corpus's CSR checks (where
 * the caller passes one `out` for every rollout, so the loop allocates nothing).
 */
export function budgetedChecks(
  checks: ArrayLike<number>,
  from: number,
  to: number,
  Bv: number,
  out: BudgetedChecks = { verify: 0, extra: 0 },
): BudgetedChecks {
  let verify = 0;
  let extra = 0;
  for (let k = from; k < to; k++) {
    const c = checks[k]!;
    verify += Math.min(c, Bv);
    extra += Math.max(0, c - Bv);
  }
  out.verify = verify;
  out.extra = extra;
  return out;
}

/** The tallies the same rollout would have under verification budget `Bv` (null when it cannot be known). */
export function rebudget(t: Tallies, Bv: number): Tallies | null {
  if (!t.claimChecks) return null;
  const { verify, extra } = budgetedChecks(t.claimChecks, 0, t.claimChecks.length, Bv);
  return { ...t, nVerify: verify, nRedQ: t.nRedQFixed + extra };
}

/** The call counts a per-rollout table shows, in its column order (T, then the five labels). */
export const TALLY_COUNT_COLUMNS = ["T", "nUniqS", "nRedS", "nExplore", "nVerify", "nRedQ"] as const;

/** The `TALLY_COUNT_COLUMNS` of some tallies. */
export type TallyCounts = Pick<Tallies, (typeof TALLY_COUNT_COLUMNS)[number]>;

/** The call counts of some tallies, in `TALLY_COUNT_COLUMNS` order. */
export function tallyCounts(t: Tallies): TallyCounts {
  return { T: t.T, nUniqS: t.nUniqS, nRedS: t.nRedS, nExplore: t.nExplore, nVerify: t.nVerify, nRedQ: t.nRedQ };
}
