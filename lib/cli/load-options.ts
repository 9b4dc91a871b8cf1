/**
 * The options every command that loads traces shares (--format, --tool-roles, --strict,
 * --max-record-mb, --verdict-threshold), declared once; their help comes from the library's `LoadOptionsSchema`.
 * `loadOptionsFrom` turns them into load options, `loadForCommand` loads with them.
 */
import { readFile } from "node:fs/promises";
import type { z } from "zod";
import {
  FORMAT_NAMES,
  isFormatName,
  loadOptions,
  LoadOptionsSchema,
  loadTrajectories,
  parseToolRoleMap,
  type FormatName,
  type ResolvedLoadOptions,
  type ToolRoleMap,
  type Trajectory,
} from "../index.js";
import { decoded, flag, fromField, num, text } from "./options.js";
import { printable } from "./printable.js";
import { UsageError } from "./usage-error.js";

const GROUP = "reading options";
const MiB = 1024 * 1024;
const described = (key: keyof typeof LoadOptionsSchema.shape) => LoadOptionsSchema.shape[key].description ?? "";

const formats = FORMAT_NAMES.join(", ");
const format = decoded<FormatName>(
  "F",
  `${described("format")} (${formats})`,
  (s) => (isFormatName(s) ? { value: s } : { error: `names an unknown format "${s}" (one of ${formats})` }),
  { group: GROUP },
);

/** The shared load flags: spread them into a command's options. */
export const LOAD_OPTIONS = {
  format,
  "tool-roles": text("FILE", `JSON file of ${described("toolRoles")}`, { group: GROUP }),
  strict: flag("stop at the first bad record (exit 1)", { group: GROUP }),
  "max-record-mb": num(
    "N",
    `skip (and report) records larger than N MB [${loadOptions().maxRecordBytes / MiB}]`,
    { min: 0.001 },
    { group: GROUP },
  ),
  "verdict-threshold": fromField(LoadOptionsSchema.shape.verdictThreshold, "X", "number", { group: GROUP }),
};

/** The decoded shared load flags. */
export type LoadFlags = z.output<z.ZodObject<typeof LOAD_OPTIONS>>;

/** A `--tool-roles` file: a JSON object of tool name → role. */
export async function toolRoleFile(path: string): Promise<ToolRoleMap> {
  let body: string;
  try {
    body = await readFile(path, "utf8");
  } catch (err) {
    throw new UsageError(`--tool-roles ${path}: cannot read file (${errorCode(err)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new UsageError(`--tool-roles ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return parseToolRoleMap(value, `--tool-roles ${path}`);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The code of a file-system error (ENOENT, …), else its message. */
export function errorCode(err: unknown): string {
  if (err instanceof Error) return "code" in err && typeof err.code === "string" ? err.code : err.message;
  return String(err);
}

/** Why a file could not be opened, in words ("no such file or directory", or the error's message). */
export function fileErrorText(err: unknown): string {
  if (errorCode(err) === "ENOENT") return "no such file or directory";
  return err instanceof Error ? err.message : String(err);
}

/** Load options from the shared flags (reads the --tool-roles file). */
export async function loadOptionsFrom(v: LoadFlags): Promise<ResolvedLoadOptions> {
  const mb = v["max-record-mb"];
  return loadOptions({
    strict: v.strict,
    ...(v.format !== undefined ? { format: v.format } : {}),
    ...(v["tool-roles"] !== undefined ? { toolRoles: await toolRoleFile(v["tool-roles"]) } : {}),
    ...(mb !== undefined ? { maxRecordBytes: Math.max(1, Math.floor(mb * MiB)) } : {}),
    ...(v["verdict-threshold"] !== undefined ? { verdictThreshold: v["verdict-threshold"] } : {}),
  });
}

/** Nothing usable was read: exit 1 with the reason. */
export class LoadFailure extends Error {
  override readonly name = "LoadFailure";
}

/**
 * Load traces for a command that is not `inspect`: bad records and unreadable files are summed up
 * on stderr (first few with file and line; `sounding inspect` lists all), and a load that yields
 * no trajectory at all is an error rather than an empty result.
 */
export async function loadForCommand(paths: string[], v: LoadFlags): Promise<Trajectory[]> {
  const { trajectories, report } = await loadTrajectories(paths, await loadOptionsFrom(v));
  const errors = report.issues.filter((i) => i.severity === "error");
  if (errors.length) {
    process.stderr.write(
      `sounding: ${errors.length} bad record(s) or unreadable file(s) skipped; run "sounding inspect" for all of them\n`,
    );
    for (const e of errors.slice(0, 3))
      process.stderr.write(printable(`sounding:   ${e.file}:${e.line}: ${e.reason}`) + "\n");
  }
  if (!trajectories.length) throw new LoadFailure(`no trajectory could be read from ${paths.join(", ")}`);
  return trajectories;
}
