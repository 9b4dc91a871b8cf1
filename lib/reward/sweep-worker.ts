/** Worker thread of `sweepParallel`: runs `sweep` over the reference setting and its share of the others. */
import { parentPort } from "node:worker_threads";
import type { TallyArrays } from "../metrics/tally-arrays.js";
import type { RewardConfig } from "./reward-config.js";
import { sweep, type SweepOptions } from "./sweep.js";

parentPort?.on("message", (m: { arrays: TallyArrays; settings: RewardConfig[]; opts: SweepOptions }) => {
  parentPort!.postMessage(sweep(m.arrays, m.settings, m.opts));
});
