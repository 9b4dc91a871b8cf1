#!/usr/bin/env node
/** The `sounding` command line. Uses only the public API, like any user script. */
import { inspectCommand } from "./inspect.js";
import { generateCommand } from "./generate.js";
import { labelCommand } from "./label.js";
import { agreeCommand } from "./agree.js";
import { exportCommand, rewardCommand, sweepCommand } from "./reward.js";
import { figureCommand } from "./figure.js";
import { convertCommand, metricsCommand } from "./convert.js";
import { UsageError } from "./usage-error.js";
import { LoadFailure } from "./inspect.js";

const HELP = `usage: sounding <command> [options]

commands:
  inspect <paths…>   what is in these trace files (formats, trajectories, tool calls, bad records)
  generate --out DIR seeded synthetic Fathom / verl traces with their true labels
  label <paths…>     label every tool call (deterministic or LLM labeller) into a label set
  agree <A> <B>      agreement between two label sets (Cohen's κ, confusion, disagreements)
  reward <paths…>    the steerable reward of every trajectory (Eq. 8) from its labels
  sweep <paths…>     replay rewards under many settings: separation, ranks, guardrails, Pareto front
  export verl        write compute_score, the reward spec and Hydra overrides for verl
  figure <preset>    a figure (fig1, fig4, fig6, fig7, labels, ecdf, landscape, group) as SVG, PNG or PDF
  convert <paths…>   write traces (and label sets) as a Parquet corpus for corpora larger than memory
  metrics <paths…>   breadth / depth / horizon per dataset, model, step or group (trace files or a corpus)

Run "sounding <command> --help" for a command's options.`;

const COMMANDS: Record<string, (argv: string[], out: (s: string) => void) => Promise<number>> = {
  inspect: inspectCommand,
  generate: generateCommand,
  label: labelCommand,
  agree: agreeCommand,
  reward: rewardCommand,
  sweep: sweepCommand,
  export: exportCommand,
  figure: figureCommand,
  convert: convertCommand,
  metrics: metricsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const out = (s: string) => process.stdout.write(s + "\n");
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    out(HELP);
    return cmd ? 0 : 2;
  }
  if (cmd === "--version") {
    out("sounding 0.1.0");
    return 0;
  }
  const run = COMMANDS[cmd];
  try {
    if (!run) throw new UsageError(`unknown command "${cmd}"\n\n${HELP}`);
    return await run(rest, out);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sounding: ${err.message}\n`);
      return 2;
    }
    if (err instanceof LoadFailure) {
      process.stderr.write(`sounding: ${err.message}\n`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e.code === "string" && e.syscall) {
      process.stderr.write(`sounding: ${e.path ?? ""}: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`sounding: internal error: ${e?.message ?? String(err)} (set SOUNDING_DEBUG=1 for details; please report)\n`);
    if (process.env.SOUNDING_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
    return 1;
  }
}

// a closed pipe (`sounding reward … | head`) ends the output quietly
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sounding: internal error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
