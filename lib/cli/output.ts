/**
 * How the CLI prints results: JSON with every number rounded to 12 significant digits (so the
 * same results print the same bytes whichever engine summed them), and tables as tab-separated
 * values, aligned in columns when stdout is a terminal.
 */

/** Significant digits of every number the CLI prints as JSON. */
export const JSON_DIGITS = 12;

/** A number rounded to `JSON_DIGITS` significant digits (integers and non-finite values unchanged). */
export function roundNumber(n: number): number {
  if (!Number.isFinite(n) || Number.isInteger(n)) return n;
  return Number(n.toPrecision(JSON_DIGITS));
}

/** JSON text of a value, its numbers rounded to `JSON_DIGITS` significant digits. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" ? roundNumber(v) : v));
}

/** The text of a table cell: an empty key is "(none)". */
export function cellText(x: unknown): string {
  if (x === null || x === undefined || x === "") return "(none)";
  return String(x);
}

/**
 * A table: a header and rows of cells. Tab-separated unless `aligned` (then columns padded with
 * spaces to their widest cell, two spaces apart). `aligned` defaults to whether stdout is a TTY.
 */
export function tableText(
  head: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  aligned: boolean = process.stdout.isTTY === true,
): string {
  const all = [head, ...rows];
  if (!aligned) return all.map((r) => r.join("\t")).join("\n");
  const widths = head.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - [...c].length)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
