/**
 * `reportHtml`: one self-contained HTML workbench over a set of rollouts (docs/report.md). The
 * payload (report-payload.ts) is gzip-compressed and base64-encoded into a non-script data
 * element; the page script (page-bundle.ts) and the style sheet are inline; a Content-Security-
 * Policy meta tag allows exactly that script (by its hash) and inline styles, and nothing from the
 * network. With `frame: true` the page comes wrapped in a sandboxed `<iframe srcdoc>` for a
 * notebook cell. Deterministic: same input and options, same bytes.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { escapeHtml } from "../notebook/html.js";
import { parseOptions } from "../io/parse-options.js";
import type { Corpus } from "../corpus/corpus.js";
import { reportPayload } from "./report-data.js";
import { corpusReportPayload } from "./corpus-payload.js";
import { ReportOptionsSchema, type ReportOptionsInput } from "./report-options.js";
import type { ReportPayload } from "./report-payload.js";
import { pageScript } from "./page-bundle.js";
import { REPORT_CSS } from "./report-style.js";

/** The Content-Security-Policy of a report whose one script has this sha256 (base64). */
export function reportCsp(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** The page around a payload. */
export async function payloadHtml(p: ReportPayload): Promise<string> {
  const script = await pageScript();
  const hash = createHash("sha256").update(script, "utf8").digest("base64");
  // two blocks: the tallies (decoded first: the table, figures and tuner) and the sample's text (after)
  const { text, ...tallies } = p;
  const pack = (v: unknown) => gzipSync(Buffer.from(JSON.stringify(v), "utf8"), { level: 6 }).toString("base64");
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportCsp(hash))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(p.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head><body>",
    '<div id="app"><p>Opening the report…</p></div>',
    `<script id="sounding-data" type="application/x-sounding-report+gzip+base64">${pack(tallies)}</script>`,
    `<script id="sounding-text" type="application/x-sounding-report+gzip+base64">${pack(text)}</script>`,
    `<script>${script}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}

/**
 * The report of `trajectories` and their `labels` as one HTML document (or, with `frame`, an
 * iframe for a notebook cell). Options: ReportOptionsSchema.
 */
export async function reportHtml(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[],
  options: ReportOptionsInput = {},
): Promise<string> {
  const opts = parseOptions(ReportOptionsSchema, options, "report options");
  const html = await payloadHtml(reportPayload(trajectories, labels, opts));
  return opts.frame ? reportFrame(html, opts.frameHeight) : html;
}

/** A report document inside a sandboxed iframe (scripts allowed, no same origin): for notebook cells. */
export function reportFrame(html: string, height = 900): string {
  return (
    `<iframe class="sounding-report" sandbox="allow-scripts allow-downloads allow-popups allow-popups-to-escape-sandbox" ` +
    `style="box-sizing:border-box;width:100%;height:${height}px;border:1px solid #dee2e6;border-radius:4px" srcdoc="${escapeHtml(html)}"></iframe>`
  );
}

/**
 * The report of a corpus directory (sounding convert): tallies of every rollout, the stored text of
 * a stratified sample. `labelSet` picks a label set when the corpus has several.
 */
export async function corpusReportHtml(
  corpus: Corpus,
  options: ReportOptionsInput & { labelSet?: string } = {},
): Promise<string> {
  const { labelSet, ...rest } = options;
  const opts = parseOptions(ReportOptionsSchema, rest, "report options");
  const html = await payloadHtml(await corpusReportPayload(corpus, { ...opts, labelSet }));
  return opts.frame ? reportFrame(html, opts.frameHeight) : html;
}
