/**
 * HTML for notebook views. Trace content is arbitrary web text: every value goes through
 * `escapeHtml`, so `<script>`, event-handler attributes and `javascript:` links render as text.
 */

const ESC: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESC[c]!);
}

export type Cell = string | number | boolean | null | undefined;

/**
 * An HTML table from rows of plain values (columns from the first row unless given).
 * @example htmlTable([{ file: "a.jsonl", trajectories: 3 }])
 */
export function htmlTable(rows: ReadonlyArray<Record<string, Cell>>, columns?: readonly string[]): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  const cell = (v: Cell) => (v === null || v === undefined ? "" : escapeHtml(String(v)));
  const head = cols.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${cols.map((c) => `<td style="text-align:${typeof r[c] === "number" ? "right" : "left"}">${cell(r[c])}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table class="sounding-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
