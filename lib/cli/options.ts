/**
 * The typed option layer of every command. A command declares its options once, as a zod object
 * whose fields are built here (`flag`, `text`, `choice`, `num`, `repeated`, `fromField`): each
 * field turns the raw strings given for its flag into a typed value (or a one-line issue naming
 * the flag), and carries its help line in `cliMeta`. `parseCommandLine` splits argv (unknown
 * flags answered with the closest valid one), the schema decodes it, and `commandHelp` writes the
 * help from the same declarations.
 */
import { z } from "zod";
import { closestName, issueText } from "../index.js";
import { UsageError } from "./usage-error.js";

/** How an option is shown in help. */
export interface OptionMeta {
  /** Metavariable of the value ("N", "FILE"); empty for a flag. */
  arg: string;
  help: string;
  /** One-letter alias (`-h`). */
  short?: string;
  /** The flag takes no value. */
  flag?: boolean;
  /** May be given several times (all values kept, in order). */
  repeatable?: boolean;
  /** Help section; options without one are listed first. */
  group?: string;
}

/** Help metadata of option fields. */
export const cliMeta = z.registry<OptionMeta>();

/** The strings given for one flag, in order (absent when the flag was not given). */
const raw = () => z.array(z.string()).optional();

type Ctx = z.core.$RefinementCtx<string[] | undefined>;

/** Report a bad value; the issue's path is the flag, so the message reads "--flag <message>". */
function bad(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

const last = (v: string[] | undefined): string | undefined => v?.at(-1);

/** A boolean flag (`--json`): true when given. */
export function flag(help: string, meta: Partial<OptionMeta> = {}) {
  return raw()
    .transform((v) => v !== undefined)
    .register(cliMeta, { arg: "", help, flag: true, ...meta });
}

/** A string option; the last one given wins. */
export function text(arg: string, help: string, meta: Partial<OptionMeta> = {}) {
  return raw()
    .transform(last)
    .register(cliMeta, { arg, help, ...meta });
}

/** A string option with a default. */
export function textOr(arg: string, help: string, fallback: string, meta: Partial<OptionMeta> = {}) {
  return raw()
    .transform((v) => last(v) ?? fallback)
    .register(cliMeta, { arg, help: `${help} [${fallback}]`, ...meta });
}

function isOneOf<V extends string>(values: readonly V[], s: string): s is V {
  return values.some((v) => v === s);
}

/** One of a few words; undefined when not given. */
export function choice<const V extends string>(values: readonly V[], help: string, meta: Partial<OptionMeta> = {}) {
  return raw()
    .transform((v, ctx): V | undefined => {
      const s = last(v);
      if (s === undefined) return undefined;
      return isOneOf(values, s) ? s : bad(ctx, `must be ${oneOf(values)}, got "${s}"`);
    })
    .register(cliMeta, { arg: values.join("|"), help, ...meta });
}

/** One of a few words, with a default. */
export function choiceOr<const V extends string>(values: readonly V[], help: string, fallback: V) {
  return raw()
    .transform((v, ctx): V => {
      const s = last(v);
      if (s === undefined) return fallback;
      return isOneOf(values, s) ? s : bad(ctx, `must be ${oneOf(values)}, got "${s}"`);
    })
    .register(cliMeta, { arg: values.join("|"), help: `${help} [${fallback}]` });
}

export interface NumberRule {
  int?: boolean;
  min?: number;
  max?: number;
}

/** "a or b", or "one of a, b, c" for longer lists. */
function oneOf(values: readonly string[]): string {
  return values.length <= 2 ? values.join(" or ") : `one of ${values.join(", ")}`;
}

/** A number in words, or the reason it is not one: "expects an integer, got "1.5"", "must be ≤ 1". */
export function numberFrom(s: string, rule: NumberRule = {}): number | string {
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n) || (rule.int && !Number.isInteger(n))) {
    return `expects ${rule.int ? "an integer" : "a number"}, got "${s}"`;
  }
  if (rule.min !== undefined && n < rule.min) return `must be ≥ ${rule.min}, got ${n}`;
  if (rule.max !== undefined && n > rule.max) return `must be ≤ ${rule.max}, got ${n}`;
  return n;
}

/** A number option (integer with `int`, within `min`…`max`); undefined when not given. */
export function num(arg: string, help: string, rule: NumberRule = {}, meta: Partial<OptionMeta> = {}) {
  return raw()
    .transform((v, ctx): number | undefined => {
      const s = last(v);
      if (s === undefined) return undefined;
      const n = numberFrom(s, rule);
      return typeof n === "number" ? n : bad(ctx, n);
    })
    .register(cliMeta, { arg, help, ...meta });
}

/** A number option with a default. */
export function numOr(arg: string, help: string, fallback: number, rule: NumberRule = {}) {
  return raw()
    .transform((v, ctx): number => {
      const s = last(v);
      if (s === undefined) return fallback;
      const n = numberFrom(s, rule);
      return typeof n === "number" ? n : bad(ctx, n);
    })
    .register(cliMeta, { arg, help: `${help} [${fallback}]` });
}

/** A range `lo:hi` of numbers, or the reason it is not one (lo > hi is an error). */
export function rangeFrom(s: string): [number, number] | string {
  const m = /^([^:]+):([^:]+)$/.exec(s);
  if (!m) return `expects lo:hi, got "${s}"`;
  const lo = numberFrom(m[1]!);
  const hi = numberFrom(m[2]!);
  if (typeof lo === "string") return `lo ${lo}`;
  if (typeof hi === "string") return `hi ${hi}`;
  if (lo > hi) return `lo must not exceed hi, got ${lo}:${hi}`;
  return [lo, hi];
}

/** What a decoder of one value returns: the value, or why it is not one. */
export type Decoded<T> = { value: T } | { error: string };

/** A single-valued option decoded by `decode` (undefined when not given). */
export function decoded<T>(
  arg: string,
  help: string,
  decode: (s: string) => Decoded<T>,
  meta: Partial<OptionMeta> = {},
) {
  return raw()
    .transform((v, ctx): T | undefined => {
      const s = last(v);
      if (s === undefined) return undefined;
      const x = decode(s);
      return "error" in x ? bad(ctx, x.error) : x.value;
    })
    .register(cliMeta, { arg, help, ...meta });
}

/** A repeatable option: every value given, in order. */
export function repeated(arg: string, help: string, meta: Partial<OptionMeta> = {}) {
  return raw()
    .transform((v): string[] => v ?? [])
    .register(cliMeta, { arg, help, repeatable: true, ...meta });
}

/** A repeatable option whose every value is decoded (the first bad one is the error). */
export function repeatedOf<T>(
  arg: string,
  help: string,
  each: (s: string) => Decoded<T>,
  meta: Partial<OptionMeta> = {},
) {
  return raw()
    .transform((v, ctx): T[] => {
      const out: T[] = [];
      for (const s of v ?? []) {
        const x = each(s);
        if ("error" in x) return bad(ctx, x.error);
        out.push(x.value);
      }
      return out;
    })
    .register(cliMeta, { arg, help, repeatable: true, ...meta });
}

/** The words of an enum field (under its default / optional wrappers), or undefined. */
function enumValues(field: unknown): string[] | undefined {
  let cur = field;
  while (cur instanceof z.ZodDefault || cur instanceof z.ZodPrefault || cur instanceof z.ZodOptional)
    cur = cur.unwrap();
  return cur instanceof z.ZodEnum ? cur.options.map(String) : undefined;
}

/** The default a library schema field fills in, for help ("[0.7]"); undefined when it has none. */
function defaultOf(field: z.ZodType): unknown {
  const r = field.safeParse(undefined);
  return r.success ? r.data : undefined;
}

/**
 * An option bound to a field of a library options schema: its help is the field's description
 * and default, its value is checked by the field (ranges, integers, enums), so the CLI declares
 * neither again. `kind` says whether the flag's text is read as a number. Undefined when not
 * given (the library fills the default in).
 */
export function fromField<F extends z.ZodType>(
  field: F,
  arg: string,
  kind: "number" | "text",
  meta: Partial<OptionMeta> = {},
) {
  const d = defaultOf(field);
  const words = enumValues(field);
  const shownArg = kind === "text" && words ? words.join("|") : arg;
  const shown = d === undefined || d === null ? "" : ` [${String(d)}]`;
  return raw()
    .transform((v, ctx): z.output<F> | undefined => {
      const s = last(v);
      if (s === undefined) return undefined;
      let input: string | number = s;
      if (kind === "number") {
        const n = numberFrom(s);
        if (typeof n === "string") return bad(ctx, n);
        input = n;
      }
      const r = field.safeParse(input);
      if (r.success) return r.data;
      const i = r.error.issues[0];
      return bad(ctx, `${i ? issueText(i) : "is invalid"}, got ${kind === "number" ? s : `"${s}"`}`);
    })
    .register(cliMeta, { arg: shownArg, help: `${field.description ?? ""}${shown}`, ...meta });
}

/** The options of a command: a zod object whose fields come from the builders above. */
export type OptionsSchema = z.ZodObject<Record<string, z.ZodType<unknown, string[] | undefined>>>;

/** The flag names of a schema, and which of them take no value. */
function flagsOf(schema: OptionsSchema): {
  names: string[];
  takesValue: (n: string) => boolean;
  short: Map<string, string>;
} {
  const names = Object.keys(schema.shape);
  const short = new Map<string, string>();
  for (const n of names) {
    const s = cliMeta.get(schema.shape[n]!)?.short;
    if (s) short.set(s, n);
  }
  return { names, takesValue: (n) => !cliMeta.get(schema.shape[n]!)?.flag, short };
}

/** What argv holds, split but not yet decoded. */
export interface SplitArgs {
  raw: Record<string, string[]>;
  positionals: string[];
  help: boolean;
}

/**
 * Split argv into flags and positionals: `--name value`, `--name=value`, `-x value`, `--` ends
 * the options; a value may start with "-" (`--seed -1`). An unknown flag is a UsageError naming
 * the closest valid one.
 */
export function splitArgs(command: string, schema: OptionsSchema, argv: readonly string[]): SplitArgs {
  const { names, takesValue, short } = flagsOf(schema);
  const raw: Record<string, string[]> = {};
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      inline = eq === -1 ? undefined : a.slice(eq + 1);
    } else if (/^-[^\d.-]/.test(a)) {
      const long = short.get(a.slice(1, 2));
      if (a === "-h") name = "help";
      else if (long && a.length === 2) name = long;
      else throw unknownOption(command, a, names);
    } else {
      positionals.push(a);
      continue;
    }
    if (name === "help") {
      help = true;
      continue;
    }
    if (!names.includes(name)) throw unknownOption(command, `--${name}`, names);
    if (!takesValue(name)) {
      if (inline !== undefined) throw new UsageError(`${command}: --${name} takes no value, got "--${name}=${inline}"`);
      (raw[name] ??= []).push("");
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      const arg = cliMeta.get(schema.shape[name]!)?.arg ?? "VALUE";
      throw new UsageError(`${command}: --${name} needs a value (--${name} ${arg})`);
    }
    (raw[name] ??= []).push(value);
  }
  return { raw, positionals, help };
}

function unknownOption(command: string, given: string, names: readonly string[]): UsageError {
  const near = closestName(given.replace(/^-+/, "").split("=")[0]!, [...names, "help"]);
  const hint = near ? `did you mean --${near}?` : `"sounding ${command} --help" lists the options`;
  return new UsageError(`${command}: Unknown option '${given}' (${hint})`);
}

/** Decode split flags with the command's schema; the first bad value is a UsageError naming its flag. */
export function decodeArgs<S extends OptionsSchema>(
  command: string,
  schema: S,
  raw: Record<string, string[]>,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  const at = i?.path[0];
  throw new UsageError(`${command}: ${typeof at === "string" ? `--${at} ` : ""}${i?.message ?? "invalid options"}`);
}

/** Help lines for a schema's options, grouped, aligned. */
export function optionsHelp(schema: OptionsSchema): string {
  const groups = new Map<string, string[]>();
  const rows: Array<{ group: string; left: string; help: string }> = [];
  for (const [name, field] of Object.entries(schema.shape)) {
    const m = cliMeta.get(field);
    if (!m) continue;
    const left = `${m.short ? `-${m.short}, ` : ""}--${name}${m.arg ? ` ${m.arg}` : ""}`;
    rows.push({ group: m.group ?? "options", left, help: m.help + (m.repeatable ? " (repeatable)" : "") });
  }
  rows.push({ group: "options", left: "-h, --help", help: "this help" });
  const width = Math.min(28, Math.max(...rows.map((r) => r.left.length)) + 2);
  for (const r of rows) {
    const body = wrap(r.help, HELP_COLUMNS - 2 - width).join(`\n  ${"".padEnd(width)}`);
    const line =
      r.left.length + 2 > width ? `  ${r.left}\n  ${"".padEnd(width)}${body}` : `  ${r.left.padEnd(width)}${body}`;
    (groups.get(r.group) ?? groups.set(r.group, []).get(r.group)!).push(line);
  }
  const order = ["options", ...[...groups.keys()].filter((g) => g !== "options")];
  return order.map((g) => `${g}:\n${groups.get(g)!.join("\n")}`).join("\n\n");
}

/** Help lines are wrapped to this width. */
const HELP_COLUMNS = 100;

/** Break a text into lines of at most `width` characters, at spaces (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur || !lines.length) lines.push(cur);
  return lines;
}

/**
 * Reflow help prose to `width` columns: a paragraph of plain lines is re-wrapped; in an indented
 * list ("  name   text") each long line wraps under its text column.
 */
export function reflow(text: string, width = HELP_COLUMNS): string {
  return text
    .split(/\n{2,}/)
    .map((para) => {
      const lines = para.split("\n");
      if (!lines.some((l) => /^\s/.test(l))) return wrap(lines.join(" "), width).join("\n");
      return lines
        .map((l) => {
          if (l.length <= width) return l;
          const m = /^(\s*\S+\s{2,})/.exec(l) ?? /^(\s*)/.exec(l);
          const lead = m?.[1] ?? "";
          const pad = " ".repeat(lead.length);
          return wrap(l.slice(lead.length), width - lead.length)
            .map((w, i) => (i ? pad : lead) + w)
            .join("\n");
        })
        .join("\n");
    })
    .join("\n\n");
}
