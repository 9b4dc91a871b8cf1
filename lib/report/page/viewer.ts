/// <reference lib="dom" />
/**
 * The trajectory viewer of a selected row: the notebook's own views (`trajectoryHtml`,
 * `groupSideBySide`, `trajectoryDiff`, with their escaping), each shown in a sandboxed frame
 * (`srcdoc`, no scripts allowed: even markup that escaped the escaping could not run), beside a
 * table of the whole group with rewards and ranks under the current setting.
 */
import { trajectoryHtml } from "../../notebook/trajectory-view.js";
import { groupSideBySide, trajectoryDiff } from "../../notebook/rollout-views.js";
import { grpoAdvantages } from "../../reward/grpo.js";
import { VERDICTS } from "../report-payload.js";
import { fill, fmt, h } from "./dom.js";
import { groupRows, textOfRow, type State } from "./state.js";

/** A sandboxed frame showing escaped HTML (a notebook view); grows to its content's height. */
export function viewFrame(html: string, cls: string): HTMLIFrameElement {
  const f = h("iframe", {
    class: `view ${cls}`,
    sandbox: "allow-same-origin allow-popups allow-popups-to-escape-sandbox",
    referrerpolicy: "no-referrer",
    title: cls,
  });
  f.srcdoc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body style="margin:4px">${html}</body></html>`;
  f.addEventListener("load", () => {
    try {
      const d = f.contentDocument;
      if (d) f.style.height = `${Math.min(2400, d.documentElement.scrollHeight + 8)}px`;
    } catch {
      /* another origin: keep the CSS height */
    }
  });
  return f;
}

function rowName(s: State, i: number): string {
  return `${s.p.rows.id[i]} (${VERDICTS[s.p.rows.verdict[i]!]})`;
}

/** The group of a row as a table: every member with its verdict, T, reward, advantage and rank change. */
function groupTable(s: State, rows: number[], onPick: (i: number) => void): HTMLElement {
  const now = rows.map((i) => s.rewards[i]!);
  const before = rows.map((i) => s.baseRewards[i]!);
  const adv = grpoAdvantages(now).advantages;
  const rank = (r: number[], k: number) => r.filter((x) => x > r[k]!).length;
  const body = rows.map((i, k) => {
    const tr = h(
      "tr",
      { class: i === s.selected ? "sel" : s.textOf[i]! < 0 ? "tally-only" : "" },
      h("td", {}, s.p.rows.id[i]!),
      h("td", {}, VERDICTS[s.p.rows.verdict[i]!]!),
      h("td", {}, s.p.rows.T[i]!),
      h("td", {}, fmt(before[k])),
      h("td", {}, fmt(now[k])),
      h("td", {}, fmt(adv[k])),
      h("td", {}, `${rank(before, k) + 1} → ${rank(now, k) + 1}`),
      h("td", {}, s.textOf[i]! < 0 ? "tallies only" : "full text"),
    );
    tr.addEventListener("click", () => onPick(i));
    return tr;
  });
  const head = ["id", "verdict", "T", "reward (report)", "reward (now)", "advantage", "rank", "embedded"];
  return h("table", { class: "group-table" }, h("tr", {}, ...head.map((c) => h("th", {}, c))), ...body);
}

/** The viewer of the selected row: drawn on a pick; a setting change redraws only what shows rewards. */
export interface Viewer {
  element: HTMLElement;
  /** Draw the selected row (and the second one's diff). */
  render: () => void;
  /**
   * The reward setting changed: the group table is redrawn at once; the group's side-by-side frame
   * (rewards in its headers) once the setting has rested for `FRAME_DELAY_MS`, not on every move.
   */
  settingChanged: () => void;
}

/** How long the setting rests before the group's frame (a whole document) is redrawn. */
export const FRAME_DELAY_MS = 300;

export function viewer(s: State, onPick: (i: number) => void): Viewer {
  const box = h("section", { class: "viewer", id: "viewer" });
  let groupBox: HTMLElement | null = null;
  let frameBox: HTMLElement | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const groupFrame = (rows: number[]): HTMLIFrameElement | null => {
    const texts = rows.map((r) => ({ r, x: textOfRow(s, r) })).filter((x) => x.x !== null);
    if (texts.length < 2) return null;
    const html = groupSideBySide(
      texts.map((x) => x.x!.t),
      texts.flatMap((x) => x.x!.labels),
      texts.map((x) => s.rewards[x.r]!),
    );
    return viewFrame(html, "group");
  };
  const render = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    groupBox = frameBox = null;
    if (s.selected === null) {
      fill(
        box,
        h(
          "p",
          { class: "note" },
          "Click a row of the table to open its trajectory; shift-click a second row to diff the two.",
        ),
      );
      return;
    }
    const i = s.selected;
    const mine = textOfRow(s, i);
    const parts: Array<Node | string> = [h("h2", {}, `Trajectory ${s.p.rows.id[i]}`)];
    parts.push(
      mine
        ? viewFrame(trajectoryHtml(mine.t, mine.labels), "trajectory")
        : h("p", { class: "note" }, "This rollout is outside the full-text sample: the report holds its tallies only."),
    );
    const rows = groupRows(s, i);
    if (rows.length > 1) {
      groupBox = h("div", { class: "group-box" }, groupTable(s, rows, onPick));
      frameBox = h("div", { class: "group-frame" }, groupFrame(rows));
      parts.push(h("h3", {}, `Its GRPO group (${rows.length} rollouts)`), groupBox, frameBox);
    }
    if (s.second !== null && s.second !== i) {
      const other = textOfRow(s, s.second);
      parts.push(h("h3", {}, `Diff: ${rowName(s, i)} ↔ ${rowName(s, s.second)}`));
      parts.push(
        mine && other
          ? viewFrame(trajectoryDiff(mine.t, other.t, [...mine.labels, ...other.labels]), "diff")
          : h("p", { class: "note" }, "A diff needs the full text of both rollouts (one is outside the sample)."),
      );
    }
    fill(box, ...parts);
  };
  const settingChanged = () => {
    if (s.selected === null || !groupBox || !frameBox) return;
    const rows = groupRows(s, s.selected);
    fill(groupBox, groupTable(s, rows, onPick));
    if (timer !== null) clearTimeout(timer);
    const target = frameBox;
    timer = setTimeout(() => {
      timer = null;
      if (target === frameBox) fill(target, groupFrame(rows));
    }, FRAME_DELAY_MS);
  };
  render();
  return { element: box, render, settingChanged };
}
