/// <reference lib="dom" />
/**
 * The tuner's histogram of rewards under the current setting, correct and incorrect rollouts
 * (share of their class per bin); a bar filters the table to its bin's reward range. Drawn once,
 * then updated in place on every slider move: the bars' heights, the tick and bin labels and the
 * marks' titles change by attribute and text, no element is rebuilt (the chart's layout is chart.ts's).
 */
import { catLabel, chartRoot, legend, M, PH, PW, tick, yAt, yTicks } from "./chart.js";
import { svg } from "./dom.js";
import { CORRECT, INCORRECT } from "./figures.js";
import type { MarkFilter, State } from "./state.js";

const BINS = 30;
const SERIES = [
  { name: "correct", colour: CORRECT },
  { name: "incorrect", colour: INCORRECT },
] as const;

export interface RewardHistogram {
  element: SVGElement;
  /** Redraw for the current rewards. */
  update: () => void;
}

/** One bar: its element, its title's text and what was last set (attributes are set only when they change). */
interface Bar {
  rect: SVGElement;
  title: Text;
  y: string;
  height: string;
  shown: boolean;
  label: string;
}

function setText(t: Text, v: string): void {
  if (t.data !== v) t.data = v;
}

export function rewardHistogram(s: State, onMark: (f: MarkFilter) => void): RewardHistogram {
  const root = chartRoot();
  const y0 = yAt(0, 0, 1);
  root.appendChild(svg("line", { x1: M.l, y1: M.t, x2: M.l, y2: M.t + PH, stroke: "#868e96" }));
  root.appendChild(svg("line", { x1: M.l, y1: y0, x2: M.l + PW, y2: y0, stroke: "#868e96" }));
  // the y ticks sit at fixed heights (the axis starts at 0); only their values change
  const ticks = yTicks(0, 1).map((v) => {
    const t = document.createTextNode("");
    root.appendChild(svg("text", { x: M.l - 3, y: yAt(v, 0, 1) + 3, "text-anchor": "end", fill: "#495057" }, t));
    return t;
  });
  root.appendChild(
    svg(
      "text",
      { x: 10, y: M.t + PH / 2, transform: `rotate(-90 10 ${M.t + PH / 2})`, "text-anchor": "middle", fill: "#495057" },
      "share of the class",
    ),
  );
  const band = PW / BINS;
  const x = (k: number) => M.l + band * (k + 0.5);
  const cats: Array<Text | null> = Array.from({ length: BINS }, (_, k) => {
    if (catLabel("", k, BINS) === null) return null;
    const t = document.createTextNode("");
    root.appendChild(svg("text", { x: x(k), y: M.t + PH + 12, "text-anchor": "middle", fill: "#495057" }, t));
    return t;
  });
  // the bins' range under the current setting, read by a click (the filter keeps the range it was made with)
  let lo = 0;
  let w = 1;
  const range = (k: number) => {
    const a = lo + w * k;
    return [a, a + w] as const;
  };
  const labelOf = (v: number, k: number) => {
    const [a, b] = range(k);
    return `${SERIES[v]!.name}, reward ${a.toFixed(3)}…${b.toFixed(3)}`;
  };
  const filterOf = (v: number, k: number): MarkFilter => {
    const [a, b] = range(k);
    const label = labelOf(v, k);
    // the bin's range, not its index: the filter keeps meaning the same rewards as the setting moves
    const last = k === BINS - 1;
    const test = (i: number) => {
      const r = s.rewards[i]!;
      return s.p.rows.verdict[i] === v && r >= a && (last ? r <= b : r < b);
    };
    return { label, test, live: true };
  };
  const bw = (band * 0.8) / SERIES.length;
  const bars: Bar[][] = SERIES.map(() => []);
  for (let k = 0; k < BINS; k++)
    SERIES.forEach((ser, v) => {
      const title = document.createTextNode("");
      const rect = svg(
        "rect",
        { x: x(k) - band * 0.4 + v * bw, width: Math.max(1, bw - 1), fill: ser.colour, class: "mark", display: "none" },
        svg("title", {}, title),
      );
      rect.addEventListener("click", () => onMark(filterOf(v, k)));
      root.appendChild(rect);
      bars[v]![k] = { rect, title, y: "", height: "", shown: false, label: "" };
    });
  legend(root, SERIES);

  const counts = [new Float64Array(BINS), new Float64Array(BINS)];
  const update = () => {
    const { rewards } = s;
    const verdict = s.p.rows.verdict;
    let l = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < rewards.length; i++) {
      const x = rewards[i]!;
      if (x < l) l = x;
      if (x > hi) hi = x;
    }
    if (!Number.isFinite(l)) l = hi = 0;
    if (hi - l < 1e-9) hi = l + 1;
    lo = l;
    w = (hi - lo) / BINS;
    counts[0]!.fill(0);
    counts[1]!.fill(0);
    const n = [0, 0];
    for (let i = 0; i < rewards.length; i++) {
      const v = verdict[i]!;
      if (v > 1) continue;
      counts[v]![Math.min(BINS - 1, Math.floor((rewards[i]! - lo) / w))]++;
      n[v]++;
    }
    const values = counts.map((c, v) => Array.from(c, (x) => (n[v] ? x / n[v]! : NaN)));
    const yMax = Math.max(1e-9, ...values.flat().filter(Number.isFinite));
    yTicks(0, yMax).forEach((t, i) => setText(ticks[i]!, tick(t)));
    cats.forEach((t, k) => t && setText(t, catLabel((lo + w * (k + 0.5)).toFixed(2), k, BINS)!));
    values.forEach((vals, v) =>
      vals.forEach((val, k) => {
        const b = bars[v]![k]!;
        const shown = Number.isFinite(val) && val !== 0;
        if (shown !== b.shown) {
          if (shown) b.rect.removeAttribute("display");
          else b.rect.setAttribute("display", "none");
          b.shown = shown;
        }
        if (!shown) return;
        const top = yAt(val, 0, yMax);
        const yv = String(top);
        const hv = String(Math.max(1, Math.abs(y0 - top)));
        if (yv !== b.y) b.rect.setAttribute("y", (b.y = yv));
        if (hv !== b.height) b.rect.setAttribute("height", (b.height = hv));
        const label = labelOf(v, k);
        if (label !== b.label) {
          b.rect.setAttribute("data-filter", (b.label = label));
          setText(b.title, label);
        }
      }),
    );
  };
  update();
  return { element: root, update };
}
