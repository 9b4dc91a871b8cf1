/**
 * Parse the hit list out of a search tool's response, whatever the tool printed:
 * - Fathom `search_urls`: `### {i}. {title}\n**URL**: {link}\n\n**Snippet**: {snippet}` blocks;
 * - WebDancer / Qwen-agent: `{i}. [title](url)\n…snippet` list items;
 * - JSON: Google Custom Search (`items[].link/title/snippet`, possibly nested in a
 *   `search_results` string), Serper (`organic[]`), or an array of `{url|link, title, snippet}`;
 * - R1-Searcher / Search-R1 documents: `(1)Title   text` or `Doc 1(Title: …) text`: no URLs.
 * Unknown layouts give an empty list (the raw response is always kept on the call).
 */
import type { SearchResult } from "../trajectory/schema.js";
import { isObject } from "./record-fields.js";

function fromJsonValue(v: unknown, depth = 0): SearchResult[] | null {
  if (depth > 6) return null;
  if (typeof v === "string") {
    const t = v.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        return fromJsonValue(JSON.parse(t), depth + 1);
      } catch {
        return null;
      }
    }
    return null;
  }
  if (Array.isArray(v)) {
    const out: SearchResult[] = [];
    for (const x of v) {
      if (!isObject(x)) continue;
      const url = str(x.url ?? x.link ?? x.href);
      if (!url) continue;
      out.push({ url, title: str(x.title ?? x.name), snippet: str(x.snippet ?? x.content ?? x.description ?? x.text) });
    }
    return out.length || v.length === 0 ? out : null;
  }
  if (isObject(v)) {
    for (const k of ["items", "organic", "results", "search_results", "organic_results", "web"]) {
      if (k in v) {
        const r = fromJsonValue(v[k], depth + 1);
        if (r) return r;
      }
    }
  }
  return null;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

const FATHOM_BLOCK = /###\s*\d+\.\s*([^\n]*)\n\*\*URL\*\*:\s*(\S*)[^\n]*\n(?:\n?\*\*Snippet\*\*:\s*([\s\S]*?))?(?=\n---\n|\n###\s*\d+\.|$)/g;
const MD_ITEM = /^\s*\d+\.\s*\[([^\]\n]*)\]\((\S+?)\)[^\n]*\n([\s\S]*?)(?=^\s*\d+\.\s*\[|<\/?tool_response>|$(?![\s\S]))/gm;
const R1_DOC = /^\((\d+)\)([^\n]*)$/gm;
const SR1_DOC = /Doc \d+\s*\(Title:\s*([^)]*)\)\s*([^\n]*)/g;

export function parseSearchResults(text: string): SearchResult[] {
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    const r = fromJsonValue(t);
    if (r) return r;
  }
  if (text.includes("**URL**:")) {
    const out: SearchResult[] = [];
    for (const m of text.matchAll(FATHOM_BLOCK)) {
      out.push({ title: (m[1] ?? "").trim(), url: (m[2] ?? "").trim(), snippet: (m[3] ?? "").trim() });
    }
    if (out.length) return out;
  }
  if (text.includes("](")) {
    const out: SearchResult[] = [];
    for (const m of text.matchAll(MD_ITEM)) {
      out.push({ title: (m[1] ?? "").trim(), url: (m[2] ?? "").trim(), snippet: (m[3] ?? "").trim() });
    }
    if (out.length) return out;
  }
  if (text.includes("Doc 1")) {
    const out: SearchResult[] = [];
    for (const m of text.matchAll(SR1_DOC)) out.push({ url: "", title: (m[1] ?? "").trim(), snippet: (m[2] ?? "").trim() });
    if (out.length) return out;
  }
  if (/^\(1\)/m.test(text)) {
    const out: SearchResult[] = [];
    for (const m of text.matchAll(R1_DOC)) {
      const body = (m[2] ?? "").trim();
      const gap = body.search(/\s{3}/);
      out.push({ url: "", title: gap === -1 ? "" : body.slice(0, gap).trim(), snippet: gap === -1 ? body : body.slice(gap).trim() });
    }
    return out;
  }
  return [];
}
