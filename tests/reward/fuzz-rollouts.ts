/**
 * Seeded random verl rollouts that reach the corners of the reader and the labeller which the
 * simulator does not: batched queries with per-query result sections, multi-URL and goal-less
 * page calls, malformed call JSON, other and answer tools, non-ASCII and astral text, URLs
 * written many ways (tracking parameters, ports, dot segments, IDN hosts, percent escapes),
 * ReCall `<result>` responses, Search-R1 and R1-Searcher inline formats, truncated endings.
 */
import { Rng } from "../../lib/io/rng.js";

const WORDS = [
  "alpha",
  "beta",
  "Gamma",
  "délta",
  "epsilon",
  "zeta",
  "the",
  "of",
  "Ⅻ",
  "😀x",
  "a",
  "2019",
  "東京",
  "straße",
  "Ünïcode",
  "find",
  "verify",
  "population",
  "x",
  "İstanbul",
  "ﬁnal",
  "co-op",
  "U.S.",
];
/** Families of spellings of one page (by the TypeScript canonical form, or deliberately not). */
const PAGES: string[][] = [
  [
    "https://en.wikipedia.org/wiki/Alpha",
    "en.wikipedia.org/wiki/Alpha/",
    "https://EN.wikipedia.org/wiki/Alpha#History",
  ],
  [
    "https://www.Example.com/a/",
    "http://example.com:80/a",
    "https://example.com:443/a/",
    "example.com/a",
    "HTTPS://WWW.EXAMPLE.COM/a#top",
    "https://www2.example.com/a?utm_source=x",
    "https://example.com/./b/../a",
    "https://example.com//a",
  ],
  [
    "https://site.org/p?b=2&a=1",
    "site.org/p?a=1&b=2&ref=x",
    "HTTP://SITE.ORG/p/?a=1&b=2#f",
    "https://site.org/p?a=1&b=2&utm_medium=z",
    "https://site.org/p?a=1&b=2&fbclid=Q",
  ],
  ["https://bücher.de/x", "https://xn--bcher-kva.de/x", "https://BÜCHER.de/x/"],
  ["https://site.org/é", "https://site.org/%C3%A9", "site.org/é/", "https://site.org/e\u0301"],
  ["https://site.org/p%7Eq", "https://site.org/p~q", "https://site.org/p%7eq"],
  ["https://site.org/q?x=a+b", "https://site.org/q?x=a%20b", "https://site.org/q?x=a b", "https://site.org/q?x=a%2Bb"],
  ["ftp://files.org/x", "ftp://files.org:21/x", "FTP://files.org/x/"],
  ["not a url", "Not A URL", " not a url "],
  ["localhost:8080/p", "https://localhost:8080/p", "http://localhost:8080/p"],
  ["https://sub.site.org:8443/a", "sub.site.org:8443/a/", "https://sub.site.org:08443/a"],
  ["https://site.org/p?x=1&x=0", "https://site.org/p?x=0&x=1", "https://site.org/p?x=1&x=0&"],
  ["https://1.2.3.4/a", "http://1.2.3.4:80/a/", "https://www.1.2.3.4/a"],
];
const pageUrl = (rng: Rng) => rng.pick(rng.pick(PAGES));

function phrase(rng: Rng, min: number, max: number): string {
  const n = rng.int(min, max);
  const seps = [" ", " ", " ", ", ", " - ", "? ", " (", ") "];
  let s = "";
  for (let i = 0; i < n; i++) s += (i ? rng.pick(seps) : "") + rng.pick(WORDS);
  return s;
}

function hits(rng: Rng, seen: string[]): Array<{ title: string; url: string }> {
  const n = rng.int(0, 6);
  const out: Array<{ title: string; url: string }> = [];
  for (let i = 0; i < n; i++) {
    const url =
      seen.length && rng.chance(0.4)
        ? rng.pick(seen)
        : rng.chance(0.6)
          ? pageUrl(rng)
          : `https://site${rng.int(1, 40)}.org/${rng.pick(WORDS)}`;
    seen.push(url);
    out.push({ title: phrase(rng, 1, 4), url });
  }
  return out;
}

const fathomHits = (hs: Array<{ title: string; url: string }>, rng: Rng) =>
  hs
    .map((h, i) => `### ${i + 1}. ${h.title}\n**URL**: ${h.url}\n\n**Snippet**: ${phrase(rng, 2, 8)}\n`)
    .join("\n---\n\n");

interface Call {
  json: string;
  response: string;
  query?: string;
  docs?: Array<{ title: string; url: string }>;
}

function call(rng: Rng, queries: string[], seen: string[]): Call {
  const k = rng.int(0, 19);
  const q = queries.length && rng.chance(0.3) ? rng.pick(queries) : phrase(rng, 1, 5);
  queries.push(q);
  if (k < 8) {
    const hs = hits(rng, seen);
    return {
      json: JSON.stringify({ name: "search_urls", arguments: { query: q, top_k: 10 } }),
      response: fathomHits(hs, rng),
      query: q,
      docs: hs,
    };
  }
  if (k < 10) {
    const q2 = queries.length > 1 && rng.chance(0.5) ? rng.pick(queries) : phrase(rng, 1, 4);
    queries.push(q2);
    const a = hits(rng, seen);
    const b = hits(rng, seen);
    const split = rng.chance(0.7);
    const resp = split ? `${q}\n${fathomHits(a, rng)}\n${q2}\n${fathomHits(b, rng)}` : fathomHits([...a, ...b], rng);
    return {
      json: JSON.stringify({ name: rng.pick(["search_urls", "web_search"]), arguments: { query: [q, q2] } }),
      response: resp,
    };
  }
  if (k < 15) {
    const url = seen.length && rng.chance(0.4) ? rng.pick(seen) : pageUrl(rng);
    const goal = rng.chance(0.15)
      ? undefined
      : `${rng.pick(["Find", "Verify", "Confirm", "Check"])} ${phrase(rng, 1, 4)}`;
    const args = goal === undefined ? { url } : { url, goal };
    const resp = rng.chance(0.1)
      ? "[failed to retrieve content from URL]"
      : `The useful information in ${url} for goal “${goal ?? ""}”:\n${phrase(rng, 3, 10)}`;
    return {
      json: JSON.stringify({ name: rng.pick(["query_url", "visit", "QUERY_URL"]), arguments: args }),
      response: resp,
    };
  }
  if (k === 15) {
    const urls = [pageUrl(rng), seen.length ? rng.pick(seen) : pageUrl(rng)];
    return {
      json: JSON.stringify({ name: "visit", arguments: { urls, goal: `find ${phrase(rng, 1, 3)}` } }),
      response: phrase(rng, 3, 8),
    };
  }
  if (k === 16) {
    // malformed: cut JSON, the reader falls back to regular expressions
    const good = JSON.stringify({
      name: rng.pick(["search_urls", "query_url"]),
      arguments: { query: q, url: pageUrl(rng), goal: `verify ${q}` },
    });
    return {
      json: good.slice(0, good.length - rng.int(1, 3)),
      response: "[tool-error] invalid syntax (<string>, line 1)",
    };
  }
  if (k === 17)
    return {
      json: JSON.stringify({ name: "lookup", arguments: { keyword: phrase(rng, 1, 2) } }),
      response: phrase(rng, 2, 5),
    };
  if (k === 18)
    return { json: JSON.stringify({ name: "calculator", arguments: JSON.stringify({ expr: "1+1" }) }), response: "2" };
  return {
    json: JSON.stringify({ name: "search_urls", parameters: { q: q } }),
    response: JSON.stringify([
      { url: pageUrl(rng), title: "t" },
      { link: pageUrl(rng), name: phrase(rng, 1, 2) },
    ]),
  };
}

/** One fuzz rollout's verl `output` and its format. */
export function fuzzOutput(seed: number): { output: string; answer: string; format: string } {
  const rng = new Rng(seed);
  const queries: string[] = [];
  const seen: string[] = [];
  const answer = phrase(rng, 1, 2);
  const fmt = rng.pick(["fathom", "fathom", "fathom", "recall", "search-r1", "r1"]);
  const turns = rng.int(0, 8);
  const truncated = rng.chance(0.1);
  const end = `<think>${phrase(rng, 2, 6)}</think>\nThe answer is \\boxed{${answer}}.`;
  if (fmt === "search-r1" || fmt === "r1") {
    let s = "";
    for (let i = 0; i < turns; i++) {
      const q = rng.chance(0.05) ? " " : queries.length && rng.chance(0.3) ? rng.pick(queries) : phrase(rng, 1, 5);
      queries.push(q);
      const hs = hits(rng, seen);
      if (fmt === "search-r1") {
        const docs = hs.map((h, j) => `Doc ${j + 1}(Title: ${h.title}) ${phrase(rng, 2, 6)}`).join("\n");
        s += `<think>${phrase(rng, 2, 5)}</think>\n<search> ${q} </search>\n\n<information>${docs}</information>\n\n`;
      } else {
        const docs = hs.map((h, j) => `(${j + 1})${h.title}   ${phrase(rng, 2, 6)}`).join("\n");
        s += `${phrase(rng, 2, 5)} <|begin_of_query|>${q}<|end_of_query|>\n\n<|begin_of_documents|>\n${docs}\n<|end_of_documents|>\n\n`;
      }
    }
    if (truncated) s += fmt === "r1" ? "<|begin_of_query|>cut" : "<search> cut";
    else s += fmt === "search-r1" ? `<answer> ${answer} </answer>` : end;
    return { output: s, answer, format: fmt };
  }
  const tag = fmt === "recall" ? "result" : "tool_response";
  const parts: Array<[string, string]> = [];
  for (let i = 0; i < turns; i++) {
    const calls = Array.from({ length: rng.chance(0.25) ? rng.int(2, 3) : 1 }, () => call(rng, queries, seen));
    parts.push([
      "assistant",
      `<think>${phrase(rng, 2, 6)}\n</think>\n` + calls.map((c) => `<tool_call>\n${c.json}\n</tool_call>`).join("\n"),
    ]);
    const echo = (c: Call) => (fmt === "fathom" && rng.chance(0.8) ? `${c.json}\n` : "");
    parts.push(["user", calls.map((c) => `<${tag}>\n${echo(c)}result: \n${c.response}\n</${tag}>\n`).join("")]);
  }
  if (truncated)
    parts.push([
      "assistant",
      `<think>${phrase(rng, 1, 3)}\n<tool_call>\n{"name": "search_urls", "arguments": {"query": "cu`,
    ]);
  else parts.push(["assistant", end]);
  // as verl dumps it (render.ts verlRow): special tokens stripped, role names left as bare lines
  const output = parts.map(([role, content], i) => (i === 0 ? content : `${role}\n${content}`)).join("\n");
  return { output, answer, format: fmt };
}
