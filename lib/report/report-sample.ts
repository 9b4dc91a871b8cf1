/**
 * The bounded sample of rollouts whose full text a report embeds: stratified by a key per rollout
 * (dataset, verdict and step), each stratum getting a share of `n` proportional to its size by the
 * largest-remainder rule with at least one rollout per stratum while `n` allows, and its rollouts
 * drawn by a seeded shuffle. Deterministic: same keys, `n` and seed, same sample.
 */
import { Rng } from "../io/rng.js";

/** Indices (ascending) of at most `n` of `keys.length` rollouts, stratified by `keys`. */
export function stratifiedSample(keys: readonly string[], n: number, seed = 0): number[] {
  const total = keys.length;
  if (n >= total) return keys.map((_, i) => i);
  if (n <= 0) return [];
  const strata = new Map<string, number[]>();
  keys.forEach((k, i) => {
    let s = strata.get(k);
    if (!s) strata.set(k, (s = []));
    s.push(i);
  });
  // strata in a fixed order (by key) so the allocation does not depend on the input order of keys
  const list = [...strata.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);
  const quota = list.map(() => 0);
  let left = n;
  // one per stratum first (the largest strata first when there are more strata than n)
  const bySize = list.map((_, i) => i).sort((a, b) => list[b]!.length - list[a]!.length || a - b);
  for (const i of bySize) {
    if (!left) break;
    quota[i] = 1;
    left--;
  }
  if (left) {
    // the rest in proportion to what each stratum has beyond its first
    const room = list.map((s, i) => s.length - quota[i]!);
    const roomTotal = room.reduce((a, b) => a + b, 0);
    const exact = room.map((r) => (r * left) / roomTotal);
    const floor = exact.map(Math.floor);
    let given = floor.reduce((a, b) => a + b, 0);
    floor.forEach((f, i) => (quota[i]! += f));
    const order = exact.map((e, i) => i).sort((a, b) => exact[b]! - floor[b]! - (exact[a]! - floor[a]!) || a - b);
    for (const i of order) {
      if (given >= left) break;
      if (quota[i]! < list[i]!.length) {
        quota[i]!++;
        given++;
      }
    }
  }
  const rng = new Rng(seed);
  const out: number[] = [];
  list.forEach((s, i) => {
    const q = quota[i]!;
    const a = [...s];
    // partial Fisher–Yates: the first q slots are a uniform draw
    for (let j = 0; j < q; j++) {
      const k = j + Math.floor(rng.next() * (a.length - j));
      [a[j], a[k]] = [a[k]!, a[j]!];
      out.push(a[j]!);
    }
  });
  return out.sort((a, b) => a - b);
}
