/// <reference lib="dom" />
/**
 * Small SVG charts drawn with DOM calls (no markup strings): bars, stacked bars and lines with
 * points, each mark carrying the table filter a click applies (the rollouts behind it).
 */
import { svg } from "./dom.js";
import type { MarkFilter } from "./state.js";

export interface Series {
  name: string;
  colour: string;
  /** One value per category (NaN: no mark). */
  values: number[];
  /** The filter a click on the mark of category k applies. */
  filter: (k: number) => MarkFilter;
}

export interface ChartSpec {
  kind: "bar" | "stack" | "line";
  cats: string[];
  series: Series[];
  yLabel: string;
  /** Fixed y range (default: 0 … the largest value). */
  yMax?: number;
  yMin?: number;
}

const W = 340;
const H = 190;
const M = { l: 40, r: 8, t: 18, b: 34 };

export function chart(spec: ChartSpec, onMark: (f: MarkFilter) => void): SVGElement {
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    class: "chart",
    role: "img",
    "font-family": "sans-serif",
    "font-size": 10,
  });
  const n = spec.cats.length;
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const stackTop = spec.cats.map((_, k) =>
    spec.series.reduce((a, s) => a + (Number.isFinite(s.values[k]) ? s.values[k]! : 0), 0),
  );
  const all = spec.kind === "stack" ? stackTop : spec.series.flatMap((s) => s.values.filter(Number.isFinite));
  const yMax = spec.yMax ?? Math.max(1e-9, ...all);
  const yMin = spec.yMin ?? Math.min(0, ...all);
  const y = (v: number) => M.t + ph - ((v - yMin) / (yMax - yMin || 1)) * ph;
  const band = pw / Math.max(1, n);
  const x = (k: number) => M.l + band * (k + 0.5);
  // axes and ticks
  root.appendChild(svg("line", { x1: M.l, y1: M.t, x2: M.l, y2: M.t + ph, stroke: "#868e96" }));
  root.appendChild(
    svg("line", { x1: M.l, y1: y(Math.max(yMin, 0)), x2: M.l + pw, y2: y(Math.max(yMin, 0)), stroke: "#868e96" }),
  );
  for (let i = 0; i <= 4; i++) {
    const v = yMin + ((yMax - yMin) * i) / 4;
    root.appendChild(svg("text", { x: M.l - 3, y: y(v) + 3, "text-anchor": "end", fill: "#495057" }, tick(v)));
  }
  root.appendChild(
    svg(
      "text",
      { x: 10, y: M.t + ph / 2, transform: `rotate(-90 10 ${M.t + ph / 2})`, "text-anchor": "middle", fill: "#495057" },
      spec.yLabel,
    ),
  );
  const every = Math.max(1, Math.ceil(n / 12));
  spec.cats.forEach((c, k) => {
    if (k % every) return;
    const label = c.length > 10 ? `${c.slice(0, 9)}…` : c;
    root.appendChild(svg("text", { x: x(k), y: M.t + ph + 12, "text-anchor": "middle", fill: "#495057" }, label));
  });
  // marks
  const mark = (e: SVGElement, f: MarkFilter) => {
    e.setAttribute("class", "mark");
    e.setAttribute("data-filter", f.label);
    e.appendChild(svg("title", {}, f.label));
    e.addEventListener("click", () => onMark(f));
    root.appendChild(e);
  };
  const ns = spec.series.length;
  if (spec.kind === "line") {
    for (const s of spec.series) {
      const pts = s.values.map((v, k) => (Number.isFinite(v) ? `${x(k)},${y(v)}` : "")).filter(Boolean);
      if (pts.length > 1)
        root.appendChild(
          svg("polyline", { points: pts.join(" "), fill: "none", stroke: s.colour, "stroke-width": 1.5 }),
        );
      s.values.forEach((v, k) => {
        if (Number.isFinite(v)) mark(svg("circle", { cx: x(k), cy: y(v), r: 3.5, fill: s.colour }), s.filter(k));
      });
    }
  } else {
    spec.cats.forEach((_, k) => {
      let base = 0;
      spec.series.forEach((s, si) => {
        const v = s.values[k]!;
        if (!Number.isFinite(v) || v === 0) return;
        const bw = spec.kind === "stack" ? band * 0.7 : (band * 0.8) / ns;
        const bx = spec.kind === "stack" ? x(k) - bw / 2 : x(k) - band * 0.4 + si * bw;
        const top = spec.kind === "stack" ? base + v : v;
        const bottom = spec.kind === "stack" ? base : 0;
        base = top;
        const y0 = y(Math.max(top, bottom));
        const hgt = Math.max(1, Math.abs(y(bottom) - y(top)));
        mark(svg("rect", { x: bx, y: y0, width: Math.max(1, bw - 1), height: hgt, fill: s.colour }), s.filter(k));
      });
    });
  }
  // legend
  let lx = M.l;
  for (const s of spec.series) {
    root.appendChild(svg("rect", { x: lx, y: 4, width: 8, height: 8, fill: s.colour }));
    root.appendChild(svg("text", { x: lx + 10, y: 11, fill: "#495057" }, s.name));
    lx += 14 + s.name.length * 5.5;
  }
  return root;
}

function tick(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}
