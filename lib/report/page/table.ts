/// <reference lib="dom" />
/**
 * The table of trajectories: a header that sorts (click) and filters (one input per column), the
 * full-text search, the figure-mark chip, and one page of rows at a time. The page's rows are made
 * once and refilled in place (their cells are text nodes); a reward-setting change re-filters only
 * when a filter follows the rewards and re-sorts only as far as the page shown.
 */
import { COLUMNS, filterRows, LIVE_COLUMNS, sortRows } from "./columns.js";
import { fill, fmt, h } from "./dom.js";
import { tableFollowsRewards, type State } from "./state.js";

const PAGE = 50;

export interface Table {
  element: HTMLElement;
  /** Re-filter and re-sort (after a filter, the search or the sort changed). */
  refresh: () => void;
  /** The reward setting changed: re-filter or re-sort where the rows depend on it, else set the changed cells. */
  settingChanged: () => void;
  /** Redraw the page of rows shown (the rows and their order stay). */
  redraw: () => void;
}

/** One row of the page: made once, shows whichever rollout `row` is. */
interface Slot {
  tr: HTMLTableRowElement;
  cells: Text[];
  row: number;
  cls: string;
}

function setText(t: Text, v: string): void {
  if (t.data !== v) t.data = v;
}

function cellText(s: State, k: number, i: number): string {
  const v = COLUMNS[k]!.value(s, i);
  return typeof v === "number" ? fmt(v, 4) : (v ?? "");
}

export function table(s: State, onPick: (row: number, second: boolean) => void): Table {
  /** The rows passing the filters (row order), and their order for the table (sorted up to `sortedTo`). */
  let filtered: number[] = [];
  let rows: number[] = [];
  let sortedTo = 0;
  const search = h("input", {
    type: "search",
    id: "search",
    placeholder: "search questions, queries, URLs, answers, tool responses…",
    size: 60,
  });
  const chip = h("span", { class: "chip", hidden: true });
  const countText = document.createTextNode("");
  const count = h("span", { class: "count" }, countText);
  const body = h("tbody");
  const pager = h("div", { class: "pager" });
  const live = COLUMNS.map((c, k) => (LIVE_COLUMNS.has(c.key) ? k : -1)).filter((k) => k >= 0);
  const slots: Slot[] = Array.from({ length: PAGE }, () => {
    const cells = COLUMNS.map(() => document.createTextNode(""));
    // a cell that follows the setting holds its number in a box of fixed size (style: .live), so
    // setting it relays out that box only, not the table
    const tr = h(
      "tr",
      {},
      ...COLUMNS.map((c, k) =>
        h(
          "td",
          { class: c.numeric ? "num" : "" },
          LIVE_COLUMNS.has(c.key) ? h("span", { class: "live" }, cells[k]) : cells[k],
        ),
      ),
    );
    const slot: Slot = { tr, cells, row: -1, cls: "" };
    tr.addEventListener("click", (e) => onPick(slot.row, e.shiftKey));
    return slot;
  });
  let used = 0;
  const heads = COLUMNS.map((c) => {
    const th = h("th", { title: c.about, "data-col": c.key, class: c.numeric ? "num" : "" }, c.title);
    th.addEventListener("click", () => {
      if (s.sortBy === c.key) s.sortDesc = !s.sortDesc;
      else [s.sortBy, s.sortDesc] = [c.key, c.numeric];
      s.page = 0;
      refresh();
    });
    return th;
  });
  const filters = COLUMNS.map((c) => {
    const input = h("input", {
      type: "text",
      "data-filter-col": c.key,
      placeholder: c.numeric ? ">1, 2..5" : "text, =exact",
      "aria-label": `filter ${c.title}`,
    });
    input.addEventListener("input", () => {
      s.columnFilters[c.key] = input.value;
      s.page = 0;
      refresh();
    });
    return h("th", {}, input);
  });
  const prev = h("button", { type: "button" }, "‹ previous");
  const next = h("button", { type: "button" }, "next ›");
  const pageText = document.createTextNode("");
  prev.addEventListener("click", () => ((s.page = Math.max(0, s.page - 1)), draw()));
  next.addEventListener("click", () => ((s.page = Math.min(pages() - 1, s.page + 1)), draw()));
  pager.append(prev, pageText, next);
  const pages = () => Math.max(1, Math.ceil(rows.length / PAGE));
  /** Sort as far as the page shown needs (the whole order for a column that does not follow the rewards). */
  const order = () => {
    const end = (s.page + 1) * PAGE;
    const partial = LIVE_COLUMNS.has(s.sortBy);
    rows = sortRows(s, filtered, partial ? end : Infinity);
    sortedTo = partial ? end : Infinity;
  };
  const draw = () => {
    if ((s.page + 1) * PAGE > sortedTo) order();
    const from = s.page * PAGE;
    const shown = rows.slice(from, from + PAGE);
    shown.forEach((i, k) => {
      const slot = slots[k]!;
      const cls = [i === s.selected ? "sel" : "", i === s.second ? "second" : "", s.textOf[i]! < 0 ? "tally-only" : ""]
        .join(" ")
        .trim();
      if (slot.row !== i) {
        slot.row = i;
        slot.tr.setAttribute("data-row", String(i));
        COLUMNS.forEach((_, c) => setText(slot.cells[c]!, cellText(s, c, i)));
      } else for (const c of live) setText(slot.cells[c]!, cellText(s, c, i));
      if (cls !== slot.cls) {
        slot.cls = cls;
        if (cls) slot.tr.setAttribute("class", cls);
        else slot.tr.removeAttribute("class");
      }
    });
    // the page's rows in the body, in order: slots past the last row shown are taken out
    for (let k = used; k < shown.length; k++) body.appendChild(slots[k]!.tr);
    for (let k = shown.length; k < used; k++) slots[k]!.tr.remove();
    used = shown.length;
    const n = pages();
    prev.disabled = s.page === 0;
    next.disabled = s.page >= n - 1;
    setText(pageText, ` page ${s.page + 1} of ${n} `);
    heads.forEach((th, k) => {
      const sort = COLUMNS[k]!.key === s.sortBy ? (s.sortDesc ? "descending" : "ascending") : "none";
      if (th.getAttribute("aria-sort") !== sort) th.setAttribute("aria-sort", sort);
    });
  };
  const refresh = () => {
    filtered = filterRows(s);
    order();
    setText(countText, `${filtered.length} of ${s.p.n} rollouts`);
    count.setAttribute("data-count", String(filtered.length));
    if (s.mark) {
      const x = h("button", { type: "button", title: "clear the figure filter" }, "×");
      x.addEventListener("click", () => ((s.mark = null), (s.page = 0), refresh()));
      fill(chip, `figure filter: ${s.mark.label} `, x);
      chip.hidden = false;
    } else chip.hidden = true;
    draw();
  };
  const settingChanged = () => {
    if (!tableFollowsRewards(s)) return draw();
    const liveFilter = Boolean(s.mark?.live) || [...LIVE_COLUMNS].some((k) => (s.columnFilters[k] ?? "").trim() !== "");
    if (liveFilter) return refresh();
    order();
    draw();
  };
  search.addEventListener("input", () => {
    s.search = search.value;
    s.page = 0;
    refresh();
  });
  refresh();
  const element = h(
    "section",
    { class: "rollouts", id: "rollouts" },
    h("h2", {}, "Rollouts"),
    h("div", { class: "toolbar" }, search, " ", count, " ", chip),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "rollout-table" },
        h("thead", {}, h("tr", {}, ...heads), h("tr", { class: "filters" }, ...filters)),
        body,
      ),
    ),
    pager,
  );
  return { element, refresh, settingChanged, redraw: draw };
}
