#!/usr/bin/env node
/** The `sounding` command line. Uses only the public API, like any user script. */
import { closestName } from "../index.js";
import { COMMANDS, mainHelp } from "./commands.js";
import { LoadFailure } from "./load-options.js";
import { UsageError } from "./usage-error.js";

/** A file-system error (ENOENT on a path, EACCES, …): the user's, said in one line. */
function fsError(err: unknown): string | null {
  if (!(err instanceof Error) || !("code" in err) || typeof err.code !== "string" || !("syscall" in err)) return null;
  const path = "path" in err && typeof err.path === "string" ? err.path : "";
  return `${path}: ${err.message}`;
}

export async function main(argv: string[]): Promise<number> {
  const out = (s: string) => process.stdout.write(s + "\n");
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    out(mainHelp());
    return name ? 0 : 2;
  }
  if (name === "--version") {
    out("sounding 0.1.0");
    return 0;
  }
  try {
    const cmd = COMMANDS.find((c) => c.name === name);
    if (!cmd) {
      const near = closestName(
        name,
        COMMANDS.map((c) => c.name),
      );
      const hint = near ? `did you mean ${near}?` : `one of ${COMMANDS.map((c) => c.name).join(", ")}`;
      throw new UsageError(`unknown command "${name}" (${hint}; "sounding --help" lists them)`);
    }
    return await cmd.main(rest, out);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sounding: ${err.message}\n`);
      return 2;
    }
    if (err instanceof LoadFailure) {
      process.stderr.write(`sounding: ${err.message}\n`);
      return 1;
    }
    const fs = fsError(err);
    if (fs !== null) {
      process.stderr.write(`sounding: ${fs}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sounding: internal error: ${message} (set SOUNDING_DEBUG=1 for details; please report)\n`);
    if (process.env.SOUNDING_DEBUG && err instanceof Error) process.stderr.write(`${err.stack ?? ""}\n`);
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
    process.stderr.write(`sounding: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
