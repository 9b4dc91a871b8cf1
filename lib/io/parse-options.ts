/**
 * Options objects enter the library through zod schemas (`.strict()`, a `.default()` and a
 * `.describe()` per field): `parseOptions` validates and completes one, and turns the first
 * problem into one readable line naming the option (a misspelt key gets the closest valid name).
 */
import { z } from "zod";
import { closestName } from "./closest-name.js";

/** An options object that does not fit its schema. */
export class OptionsError extends Error {
  override readonly name = "OptionsError";
}

/** The keys a schema accepts at `path` (for "did you mean" on a misspelt key). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (const p of path) {
    s = unwrap(s);
    if (!(s instanceof z.ZodObject) || typeof p !== "string") return [];
    s = s.shape[p];
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: unknown): unknown {
  let cur = s;
  while (
    cur instanceof z.ZodDefault ||
    cur instanceof z.ZodPrefault ||
    cur instanceof z.ZodOptional ||
    cur instanceof z.ZodNullable
  ) {
    cur = cur.unwrap();
  }
  return cur;
}

/** What is wrong, in words: "must be ≤ 1", "expects an integer", "must be one of a, b". */
export function issueText(issue: z.core.$ZodIssue, schema?: z.ZodType): string {
  switch (issue.code) {
    case "too_big":
      return `must be ${issue.inclusive === false ? "<" : "≤"} ${String(issue.maximum)}`;
    case "too_small":
      if (issue.origin === "array") return `needs at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return `needs at least ${String(issue.minimum)} character(s)`;
      return `must be ${issue.inclusive === false ? ">" : "≥"} ${String(issue.minimum)}`;
    case "invalid_value":
      return `must be ${issue.values.map((v) => String(v)).join(" or ")}`;
    case "invalid_type":
      return issue.expected === "int" ? "expects an integer" : `expects ${issue.expected}`;
    case "unrecognized_keys": {
      const valid = schema ? keysAt(schema, issue.path) : [];
      return issue.keys
        .map((k) => {
          const near = closestName(k, valid);
          return `unknown option "${k}"${near ? ` (did you mean "${near}"?)` : ""}`;
        })
        .join("; ");
    }
    default:
      return issue.message;
  }
}

/** Validate and complete `input` against `schema`; throws an OptionsError naming the option. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  if (!i) throw new OptionsError(`${where}: invalid`);
  const at = i.path.map(String).join(".");
  throw new OptionsError(`${where}: ${at ? `${at} ` : ""}${issueText(i, schema)}`);
}
