/**
 * Long trace text for HTML views: escaped, http(s) URLs as links, wrapped at word boundaries (a
 * word longer than the line, such as a URL, may break), the head shown and the rest one click away.
 * No script: expanding is a `<details>` element, so views stay inert on hostile text.
 */
import { escapeHtml } from "./html.js";

/** CSS for wrapped text: breaks only between words, except inside words longer than the line. */
export const WRAP_CSS = "white-space:pre-wrap;overflow-wrap:break-word;word-break:normal;margin:2px 0";

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** An `<a>` for an http(s) URL (escaped, opened safely, no referrer). */
export function linkHtml(url: string, text = url): string {
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer nofollow">${escapeHtml(text)}</a>`;
}

/**
 * Escaped text with every http(s) URL a link; trailing punctuation (`.`, `,`, `)` …) stays text.
 * Anything else (`javascript:`, `data:`) is never a link.
 */
export function linkify(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    const trail = /[.,;:!?)\]}]+$/.exec(url);
    if (trail) url = url.slice(0, -trail[0].length);
    const at = m.index ?? 0;
    out += escapeHtml(text.slice(last, at)) + linkHtml(url);
    last = at + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

/**
 * A block of long text: the first `headChars` characters, and when there is more, a "show all N
 * characters" toggle holding the whole text (cut at a word boundary near the limit).
 */
export function longText(text: string, headChars = 4000): string {
  if (text.length <= headChars) return `<pre style="${WRAP_CSS}">${linkify(text)}</pre>`;
  const cut = text.lastIndexOf(" ", headChars);
  const head = text.slice(0, cut > headChars * 0.8 ? cut : headChars);
  return (
    `<pre style="${WRAP_CSS}">${linkify(head)} …</pre>` +
    `<details class="sounding-more"><summary>show all ${text.length} characters</summary>` +
    `<pre style="${WRAP_CSS}">${linkify(text)}</pre></details>`
  );
}
