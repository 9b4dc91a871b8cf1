/**
 * A command of the `sounding` CLI, declared once: its name, one-line summary, positional
 * arguments, options (a zod object of `options.ts` fields) and what it does. `command()` turns
 * the declaration into an entry of the command table (`commands.ts`): it parses argv with the
 * typed option layer, answers `--help` with help generated from the declaration, checks the
 * positionals, and runs the command with typed values.
 */
import type { z } from "zod";
import { decodeArgs, optionsHelp, reflow, splitArgs, type OptionsSchema } from "./options.js";
import { UsageError } from "./usage-error.js";

export type Out = (s: string) => void;

export interface CommandSpec<O extends OptionsSchema> {
  name: string;
  /** One line for `sounding --help`. */
  summary: string;
  /** The positional part of the usage line, e.g. "<paths…>". */
  synopsis: string;
  /** How many positionals, and how to say what is missing ("at least one path"). */
  positionals: { min: number; max?: number; what: string };
  /** What the command does (paragraphs, shown after the usage line). */
  about: string;
  options: O;
  /** Shown after the options (exit status, notes). */
  epilog?: string;
  run(args: { values: z.output<O>; positionals: string[] }, out: Out): Promise<number>;
}

/** An entry of the command table: name, summary, generated help, and the run on raw argv. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The flags it takes, without "--" (help aside). */
  readonly flags: readonly string[];
  help(): string;
  main(argv: readonly string[], out: Out): Promise<number>;
}

/** The help of a command, generated from its declaration. */
function helpOf<O extends OptionsSchema>(c: CommandSpec<O>): string {
  const parts = [`usage: sounding ${c.name} ${c.synopsis} [options]`.replace(/ +/g, " "), reflow(c.about)];
  parts.push(optionsHelp(c.options));
  if (c.epilog) parts.push(reflow(c.epilog));
  return parts.join("\n\n");
}

export function command<O extends OptionsSchema>(c: CommandSpec<O>): Command {
  return {
    name: c.name,
    summary: c.summary,
    flags: Object.keys(c.options.shape),
    help: () => helpOf(c),
    async main(argv, out) {
      const split = splitArgs(c.name, c.options, argv);
      if (split.help) {
        out(helpOf(c));
        return 0;
      }
      const values = decodeArgs(c.name, c.options, split.raw);
      const n = split.positionals.length;
      if (n < c.positionals.min || (c.positionals.max !== undefined && n > c.positionals.max)) {
        const extra = c.positionals.max === 0 ? `, got "${split.positionals[0]}"` : "";
        throw new UsageError(`${c.name} needs ${c.positionals.what}${extra} (see "sounding ${c.name} --help")`);
      }
      return c.run({ values, positionals: split.positionals }, out);
    },
  };
}
