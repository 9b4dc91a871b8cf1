/// <reference lib="dom" />
/**
 * The page's only way to make elements: text goes in as text nodes, attributes through
 * `setAttribute` with event-handler names refused and links kept to http(s). Trace text never
 * becomes markup here (no innerHTML); pre-escaped views of the notebook go into sandboxed frames.
 */

type Child = Node | string | number | null | undefined | false;

const SVG_NS = "http://www.w3.org/2000/svg";

function setAttrs(e: Element, attrs: Record<string, string | number | boolean | null | undefined>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (/^on/i.test(k)) throw new Error(`refused attribute ${k}`);
    const s = v === true ? "" : String(v);
    if ((k === "href" || k === "src" || k === "xlink:href") && !/^https?:\/\//i.test(s) && !s.startsWith("#")) continue;
    e.setAttribute(k, s);
  }
}

function append(e: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** An HTML element with attributes and children (strings are text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

/** An SVG element with attributes and children. */
export function svg(
  tag: string,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Child[]
): SVGElement {
  const e = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

/** Replace an element's children. */
export function fill(e: Element, ...children: Child[]): void {
  e.replaceChildren();
  append(e, children);
}

/** A number for a table cell. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}
