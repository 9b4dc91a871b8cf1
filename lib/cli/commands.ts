/**
 * The command table of `sounding`: every command, in the order `sounding --help` lists them.
 * A new command is one file declaring it with `command()` (see inspect.ts) plus one line here.
 */
import { agreeCommand } from "./agree.js";
import { calibrateCommand } from "./calibrate.js";
import type { Command } from "./command.js";
import { convertCommand, metricsCommand } from "./convert.js";
import { figureCommand } from "./figure.js";
import { generateCommand } from "./generate.js";
import { inspectCommand } from "./inspect.js";
import { labelCommand } from "./label.js";
import { exportCommand, rewardCommand, sweepCommand } from "./reward.js";

export const COMMANDS: readonly Command[] = [
  inspectCommand,
  generateCommand,
  labelCommand,
  agreeCommand,
  calibrateCommand,
  rewardCommand,
  sweepCommand,
  exportCommand,
  figureCommand,
  convertCommand,
  metricsCommand,
];

/** `sounding --help`, from the table. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 3;
  return [
    "usage: sounding <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    'Run "sounding <command> --help" for a command\'s options.',
  ].join("\n");
}
