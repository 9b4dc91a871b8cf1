/// <reference lib="dom" />
/**
 * The table of trajectories: a header that sorts (click) and filters (one input per column), the
 * full-text search, the figure-mark chip, and one page of rows at a time.
 */
import { COLUMNS, visibleRows } from "./columns.js";
import { fill, fmt, h } from "./dom.js";
import type { State } from "./state.js";

const PAGE = 50;

export interface Table {
  element: HTMLElement;
  /** Re-filter and re-sort (after a filter, the search or the setting changed). */
  refresh: () => void;
  /** Redraw the page of rows shown (the rows and their order stay). */
  redraw: () => void;
}

export function table(s: State, onPick: (row: number, second: boolean) => void): Table {
  let rows: number[] = [];
  const search = h("input", {
    type: "search",
    id: "search",
    placeholder: "search questions, queries, URLs, answers, tool responses…",
    size: 60,
  });
  const chip = h("span", { class: "chip", hidden: true });
  const count = h("span", { class: "count" });
  const body = h("tbody");
  const pager = h("div", { class: "pager" });
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
  const draw = () => {
    const from = s.page * PAGE;
    const shown = rows.slice(from, from + PAGE);
    fill(
      body,
      ...shown.map((i) => {
        const tr = h(
          "tr",
          {
            "data-row": i,
            class: [i === s.selected ? "sel" : "", i === s.second ? "second" : "", s.textOf[i]! < 0 ? "tally-only" : ""]
              .join(" ")
              .trim(),
          },
          ...COLUMNS.map((c) => {
            const v = c.value(s, i);
            return h("td", { class: c.numeric ? "num" : "" }, typeof v === "number" ? fmt(v, 4) : (v ?? ""));
          }),
        );
        tr.addEventListener("click", (e) => onPick(i, e.shiftKey));
        return tr;
      }),
    );
    const pages = Math.max(1, Math.ceil(rows.length / PAGE));
    const prev = h("button", { type: "button", disabled: s.page === 0 }, "‹ previous");
    const next = h("button", { type: "button", disabled: s.page >= pages - 1 }, "next ›");
    prev.addEventListener("click", () => ((s.page = Math.max(0, s.page - 1)), draw()));
    next.addEventListener("click", () => ((s.page = Math.min(pages - 1, s.page + 1)), draw()));
    fill(pager, prev, ` page ${s.page + 1} of ${pages} `, next);
    heads.forEach((th, k) =>
      th.setAttribute("aria-sort", COLUMNS[k]!.key === s.sortBy ? (s.sortDesc ? "descending" : "ascending") : "none"),
    );
  };
  const refresh = () => {
    rows = visibleRows(s);
    count.textContent = `${rows.length} of ${s.p.n} rollouts`;
    count.setAttribute("data-count", String(rows.length));
    if (s.mark) {
      const x = h("button", { type: "button", title: "clear the figure filter" }, "×");
      x.addEventListener("click", () => ((s.mark = null), (s.page = 0), refresh()));
      fill(chip, `figure filter: ${s.mark.label} `, x);
      chip.hidden = false;
    } else chip.hidden = true;
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
  return { element, refresh, redraw: draw };
}
