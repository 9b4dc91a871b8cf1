/**
 * A trajectory picker for notebooks: one row per trajectory (id, dataset, model, verdict, calls,
 * label counts) that opens into the full trajectory viewer on a click. Plain `<details>` elements,
 * no script, everything escaped; `filter` and `limit` choose the rows (the count of the rest is
 * shown).
 * @example
 * tslab.display.html(trajectoryPicker(trajectories, labels, { filter: (t) => t.verdict === "incorrect" }));
 */
import type { LabelRow, Trajectory } from "../trajectory/schema.js";
import { escapeHtml } from "./html.js";
import { LABEL_COLOURS, labelLegend } from "./label-legend.js";
import { trajectoryHtml, type TrajectoryViewOptions } from "./trajectory-view.js";

export interface PickerOptions extends TrajectoryViewOptions {
  /** Rows shown (default 50). */
  limit?: number;
  /** Keep only these trajectories. */
  filter?: (t: Trajectory) => boolean;
}

export function trajectoryPicker(
  trajectories: readonly Trajectory[],
  labels: readonly LabelRow[] = [],
  opts: PickerOptions = {},
): string {
  const limit = opts.limit ?? 50;
  const kept = opts.filter ? trajectories.filter(opts.filter) : [...trajectories];
  const byTrajectory = new Map<string, LabelRow[]>();
  for (const l of labels) {
    const k = `${l.source.file}::${l.trajectoryId}`;
    let a = byTrajectory.get(k);
    if (!a) byTrajectory.set(k, (a = []));
    a.push(l);
  }
  const rows = kept.slice(0, limit).map((t) => {
    const ls = byTrajectory.get(`${t.provenance.source.file}::${t.id}`) ?? [];
    const counts = Object.keys(LABEL_COLOURS)
      .map((label) => [label, ls.filter((l) => l.label === label).length] as const)
      .filter(([, n]) => n > 0)
      .map(
        ([label, n]) => `<span style="color:${LABEL_COLOURS[label]}" title="${label}">${label.slice(0, 3)} ${n}</span>`,
      )
      .join(" ");
    const verdict = t.verdict === "correct" ? "✓ correct" : t.verdict === "incorrect" ? "✗ incorrect" : "? unknown";
    const summary =
      `<b>${escapeHtml(t.id)}</b> · ${escapeHtml(t.provenance.dataset ?? "(none)")} · ` +
      `${escapeHtml(t.provenance.model ?? t.provenance.format)} · ${verdict} · ${t.calls.length} calls ${counts}`;
    return (
      `<details style="border-bottom:1px solid #eee;padding:2px 0"><summary style="cursor:pointer;overflow-wrap:anywhere">${summary}</summary>` +
      `${trajectoryHtml(t, ls, { ...opts, legend: false })}</details>`
    );
  });
  const rest =
    kept.length > limit ? `<div style="color:#868e96">… ${kept.length - limit} more (raise limit or filter)</div>` : "";
  const head = `<div style="color:#495057">${kept.length} of ${trajectories.length} trajectories${opts.filter ? " (filtered)" : ""}; click one to open it</div>`;
  return `<div class="sounding-picker" style="font-family:sans-serif;font-size:12px;max-width:100%">${head}${labelLegend()}${rows.join("")}${rest}</div>`;
}
