/** The Pareto front of a sweep's rows. */
import type { SweepRow } from "./sweep-row.js";

export type ParetoKey = "separation" | "favouredBreadth" | "favouredDepth" | "favouredHorizon" | "informativeGroups";

const DEFAULT_KEYS: readonly ParetoKey[] = ["favouredBreadth", "favouredDepth", "favouredHorizon", "separation"];

/**
 * Settings that no other setting beats on every one of `keys` (all maximised), e.g. the
 * Pareto front of favoured breadth / depth / horizon against separation.
 */
export function paretoFront(rows: readonly SweepRow[], keys: readonly ParetoKey[] = DEFAULT_KEYS): SweepRow[] {
  const ok = rows.filter((r) => keys.every((k) => Number.isFinite(r[k])));
  const beats = (b: SweepRow, a: SweepRow) => keys.every((k) => b[k] >= a[k]) && keys.some((k) => b[k] > a[k]);
  return ok.filter((a) => !ok.some((b) => b !== a && beats(b, a)));
}
