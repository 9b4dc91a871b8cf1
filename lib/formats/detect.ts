/**
 * Format auto-detection: every reader scores each of a file's first records; the reader with
 * the highest total wins. Ties and all-zero scores give no answer (the caller asks for
 * `--format`).
 */
import type { FormatName } from "../trajectory/schema.js";
import { READERS } from "./registry.js";

export interface Detection {
  format: FormatName | null;
  /** Mean score of the winner over the sampled records, in [0, 1]. */
  confidence: number;
  /** Per-format mean scores, for diagnostics. */
  scores: Record<string, number>;
}

export function detectFormat(samples: readonly unknown[]): Detection {
  const scores: Record<string, number> = {};
  let best: FormatName | null = null;
  let bestScore = 0;
  let tie = false;
  // records no reader recognises (e.g. Fathom's {"score": 0} placeholders) do not vote
  const table = samples.map((v) => READERS.map((r) => r.detect(v)));
  const voting = table.filter((row) => row.some((x) => x > 0));
  READERS.forEach((r, k) => {
    let s = 0;
    for (const row of voting) s += row[k]!;
    const mean = voting.length ? s / voting.length : 0;
    scores[r.name] = mean;
    if (mean > bestScore) {
      best = r.name;
      bestScore = mean;
      tie = false;
    } else if (mean === bestScore && mean > 0) tie = true;
  });
  return { format: tie ? null : best, confidence: bestScore, scores };
}
