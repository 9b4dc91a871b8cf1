/**
 * The seeded random numbers of sounding, defined once. Two streams, both frozen: their sequences are part of
 * bundled data and benchmarks (traces/generated, `randomSettings` grids in bench/, RAPO replay picks).
 * - `Rng`: mulberry32 with the helpers the trace generator needs (traces/generated is byte-for-byte its output).
 * - `xorshift32(seed)`: a bare uniform stream for sweeps' random settings, RAPO replay and LLM retry jitter.
 * Same seed, same stream, on every platform (32-bit integer arithmetic only).
 */

/**
 * A small seeded PRNG (mulberry32) with the helpers the generator needs. Same seed, same stream.
 * @example
 * const rng = new Rng(7);
 * const coin = rng.chance(0.5), die = rng.int(1, 6), child = rng.fork(1);
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error("pick from empty list");
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Poisson-ish count with the given mean (sum of Bernoulli trials), capped at `max`. */
  count(mean: number, max: number): number {
    if (mean <= 0) return 0;
    const n = Math.max(1, Math.ceil(mean * 2));
    let c = 0;
    for (let i = 0; i < n; i++) if (this.next() < mean / n) c++;
    return Math.min(c, max);
  }
  /** A derived generator, independent of later draws from this one. */
  fork(salt: number): Rng {
    return new Rng((Math.imul(this.s ^ salt, 2654435761) + salt) >>> 0);
  }
}

/**
 * A xorshift32 stream of uniforms in [0, 1), seeded by `(seed * 2654435761) >>> 0` (or `zeroState` when that
 * is 0, since xorshift cannot leave the zero state).
 * @example
 * const rand = xorshift32(11);
 * const u = rand(); // same first value for seed 11 on every run
 */
export function xorshift32(seed: number, zeroState = 1): () => number {
  let s = (seed * 2654435761) >>> 0 || zeroState;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
