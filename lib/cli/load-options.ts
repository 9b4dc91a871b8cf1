/**
 * The options every command that loads traces shares (--format, --tool-roles, --strict,
 * --max-record-mb, --verdict-threshold), declared once; their help comes from the library's `LoadOptionsSchema`.
 * `loadOptionsFrom` turns them into load options, `loadForCommand` loads with them.
 *
 * `withInput` is every command's input: the positional paths are either trace files (loaded, then
 * labelled from --labels DIR or by the deterministic labeller) or one corpus directory (sounding
 * convert; its label set picked by --label-set). `loadRollouts` yields what the sweep and pressure
 * kernels need from either (tallies, groups, verdicts, format flags in typed arrays).
 */
import { readFile } from "node:fs/promises";
import type { z } from "zod";
import {
  CONVERT_ORIGIN,
  Corpus,
  CorpusError,
  corpusSize,
  corpusTallies,
  fitsInMemory,
  HeuristicLabeller,
  indexLabels,
  isCorpusDir,
  readLabelSet,
  runLabeller,
  tallyArrays,
  VERDICT_CODES,
  type LabelRow,
  type TallyArrays,
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

/** Load the paths (bad records summed up on stderr) and take labels from --labels or label them. */
export async function corpus(
  positionals: string[],
  v: LoadFlags & { labels?: string | undefined; "label-set"?: string | undefined },
): Promise<{ trajectories: Trajectory[]; labels: LabelRow[] }> {
  const picked = v["label-set"];
  if (picked !== undefined) {
    throw new UsageError(
      `--label-set ${picked} picks a label set of a corpus directory (sounding convert); for trace files give --labels DIR`,
    );
  }
  const trajectories = await loadForCommand(positionals, v);
  let labels: LabelRow[];
  if (v.labels !== undefined) {
    let set;
    try {
      set = await readLabelSet(v.labels);
    } catch (err) {
      throw new UsageError(`--labels ${v.labels}: ${fileErrorText(err)}`);
    }
    for (const i of set.issues.slice(0, 5))
      process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (row skipped)\n`);
    labels = set.rows;
    const matched = unmatched(v.labels, positionals, trajectories, labels);
    if (matched) throw new LoadFailure(matched);
  } else labels = (await runLabeller(new HeuristicLabeller(), trajectories)).rows;
  return { trajectories, labels };
}

/**
 * A label set that labels none of the trajectories (another corpus, or ids that changed): the
 * one-line reason, or null when at least one trajectory has labels (or no trajectory has calls).
 */
export function unmatched(
  labelPath: string,
  paths: readonly string[],
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
): string | null {
  if (!trajectories.some((t) => t.calls.length > 0)) return null;
  const rowsOf = indexLabels(labels);
  if (trajectories.some((t) => rowsOf(t).length > 0)) return null;
  const ids = [...new Set(labels.map((r) => r.trajectoryId))].slice(0, 2).map((id) => JSON.stringify(id.slice(0, 60)));
  const first = trajectories.slice(0, 2).map((t) => JSON.stringify(t.id.slice(0, 60)));
  return (
    `--labels ${labelPath}: its ${labels.length} row(s) label none of the ${trajectories.length} trajectories in ` +
    `${paths.join(", ")} (labels are for ${ids.join(", ") || "no trajectory"}; the traces have ${first.join(", ")}); ` +
    `label these traces with "sounding label"`
  );
}

/** Open a corpus directory for a command, run `fn`, close it; a corpus problem is the user's (exit 2). */
export async function withCorpus<T>(dir: string, fn: (c: Corpus) => Promise<T>): Promise<T> {
  let c: Corpus | undefined;
  try {
    c = await Corpus.open(dir);
    return await fn(c);
  } catch (err) {
    if (err instanceof CorpusError) throw new UsageError(err.message);
    throw err;
  } finally {
    c?.close();
  }
}

/** The corpus directory the positional paths name (one path holding a corpus manifest), else null. */
export function corpusDirOf(paths: readonly string[]): string | null {
  if (paths.length === 1 && isCorpusDir(paths[0]!)) return paths[0]!;
  const dir = paths.find((p) => isCorpusDir(p));
  if (dir !== undefined)
    throw new UsageError(`${dir} is a corpus directory: give it alone (a command reads one corpus, or trace files)`);
  return null;
}

/** What a command reads: trace files with their labels, or an open corpus with the label set to use. */
export type CommandInput =
  | { kind: "traces"; paths: string[]; trajectories: Trajectory[]; labels: LabelRow[] }
  | { kind: "corpus"; dir: string; corpus: Corpus; labelSet: string | undefined };

/** The flags `withInput` reads. */
export type InputFlags = LoadFlags & { labels?: string | undefined; "label-set"?: string | undefined };

/**
 * Run `fn` on the command's input: one corpus directory (opened, closed after `fn`) or trace files
 * (loaded and labelled, as \`corpus\`). --labels DIR is for trace files, a corpus carries its label sets.
 */
export async function withInput<T>(
  paths: string[],
  v: InputFlags,
  fn: (input: CommandInput) => Promise<T>,
): Promise<T> {
  const dir = corpusDirOf(paths);
  if (dir === null) return fn({ kind: "traces", paths, ...(await corpus(paths, v)) });
  if (v.labels !== undefined)
    throw new UsageError(
      `--labels ${v.labels} labels trace files; ${dir} is a corpus: its label sets were added by convert (--label-set NAME picks one)`,
    );
  return withCorpus(dir, async (c) => {
    c.labelSet(v["label-set"]); // an unknown or ambiguous label set is reported before any work
    return fn({ kind: "corpus", dir, corpus: c, labelSet: v["label-set"] });
  });
}

/**
 * Why `what` cannot have response tokens from corpus `c`: the sources converted without them
 * (without --tokens, or by a sounding before the column existed), in one line naming the convert
 * command that adds them; null when every source has them. `labelSet`: the label set in use, named
 * again with --label when convert made it (converting a source again replaces its labels).
 */
export function corpusWithoutTokens(c: Corpus, what: string, labelSet?: string): string | null {
  const lacking = c.manifest.sources.filter((s) => !s.tokens).map((s) => s.path);
  if (!lacking.length) return null;
  const all = c.manifest.sources.length;
  const files = lacking.length <= 3 ? lacking.join(" ") : `<its ${lacking.length} trace files>`;
  const set =
    labelSet ?? Object.keys(c.manifest.labelSets).find((n) => c.manifest.labelSets[n]!.origin === CONVERT_ORIGIN);
  const label = set !== undefined && c.manifest.labelSets[set]?.origin === CONVERT_ORIGIN ? ` --label ${set}` : "";
  return (
    `${what} counts response tokens, which ${c.dir} does not store for ${lacking.length === all ? "any" : `${lacking.length} of the ${all}`} ` +
    `of its source files (converted without --tokens): add them with \`sounding convert ${files} --out ${c.dir} --tokens${label}\``
  );
}

/** The rollouts as the sweep and pressure kernels take them: tallies, groups, verdict codes (VERDICT_CODES). */
export type Rollouts = TallyArrays & { verdict: Uint8Array; responseTokens?: Int32Array };

/**
 * The input's rollouts in typed arrays, in the same slots from trace files or their corpus
 * (`corpusTallies`). `keys: false` leaves `keys` empty (the sweep does not need them); `tokens`
 * reads a corpus's response tokens too (`CorpusTallies.responseTokens`; trace files count them
 * with `responseTokens` where needed).
 */
export async function rolloutsOf(
  input: CommandInput,
  opts: { keys?: boolean; tokens?: boolean } = {},
): Promise<Rollouts> {
  if (input.kind === "corpus")
    return corpusTallies(input.corpus, { labelSet: input.labelSet, keys: opts.keys, tokens: opts.tokens });
  const a = tallyArrays(input.trajectories, input.labels);
  const verdictOf = new Map(input.trajectories.map((t) => [`${t.provenance.source.file}::${t.id}`, t.verdict]));
  const verdict = new Uint8Array(a.n);
  a.keys.forEach((k, i) => (verdict[i] = VERDICT_CODES[verdictOf.get(k) ?? "unknown"]));
  return { ...a, ...(opts.keys === false ? { keys: [] } : {}), verdict };
}

/** The typed-array path fits the memory budget (MB) for this input (else a corpus sweep stays in SQL). */
export function fitsBudget(input: CommandInput, budgetMb: number): boolean {
  return input.kind === "traces" || fitsInMemory(corpusSize(input.corpus), budgetMb * MiB);
}

/**
 * The rollouts of the positional paths (trace files or a corpus) for a command that needs only
 * them (pressure, a sweep): one call.
 */
export async function loadRollouts(paths: string[], v: InputFlags, opts: { keys?: boolean } = {}): Promise<Rollouts> {
  return withInput(paths, v, (input) => rolloutsOf(input, opts));
}
