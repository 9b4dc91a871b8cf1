/**
 * What both report browser tests (Chromium, Firefox) compare the page against: the library's own
 * reward of every rollout under a setting, labelled by the deterministic labeller, keyed as the page keys them.
 */
import { join } from "node:path";
import {
  formatValid,
  HeuristicLabeller,
  indexLabels,
  rewardConfig,
  rolloutReward,
  runLabeller,
  talliesOf,
  trajectoryKey,
  type RewardConfigInput,
  type Trajectory,
} from "../../lib/index.js";
import { ROOT } from "../helpers.js";

export const TRACES = join(ROOT, "traces");
export const HOSTILE = join(ROOT, "tests", "fixtures", "hostile", "hostile-fathom.jsonl");
export const OUT = join(ROOT, ".ci", "out");

/** trajectory key → Eq. 8 reward under `setting`, exactly as the library computes it. */
export async function libraryRewards(
  trajectories: Trajectory[],
  setting: RewardConfigInput,
): Promise<Map<string, number>> {
  const { rows } = await runLabeller(new HeuristicLabeller(), trajectories);
  const rowsOf = indexLabels(rows);
  const cfg = rewardConfig(setting);
  return new Map(
    trajectories.map((t) => [
      trajectoryKey(t),
      rolloutReward(talliesOf(rowsOf(t), t.calls.length), t.verdict === "correct", formatValid(t), cfg).reward,
    ]),
  );
}
