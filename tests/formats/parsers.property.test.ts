/** Property and unit tests for the small parsers every reader relies on. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseSearchResults } from "../../lib/index.js";
import { lastBoxed, verdictOf, goldList } from "../../lib/formats/record-fields.js";
import { blocksOf } from "../../lib/formats/tag-blocks.js";
import { toolFailure } from "../../lib/formats/tool-failure.js";

const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.'()-]{0,40}$/).map((s) => s.trim()).filter((s) => s.length > 0);
const url = fc.webUrl({ withQueryParameters: true, withFragments: true });

describe("search-result parsing", () => {
  it("reads back any Fathom search_urls markdown block list", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ title: word, url, snippet: word }), { minLength: 1, maxLength: 10 }), (hits) => {
        const text = hits.map((h, i) => `### ${i + 1}. ${h.title}\n**URL**: ${h.url}\n\n**Snippet**: ${h.snippet}\n`).join("\n---\n\n");
        expect(parseSearchResults(text)).toEqual(hits);
      }),
    );
  });

  it("reads back any Google Custom Search JSON, also when nested in a string", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ title: fc.string(), link: url, snippet: fc.string() }), { maxLength: 8 }), (items) => {
        const want = items.map((i) => ({ url: i.link, title: i.title, snippet: i.snippet }));
        expect(parseSearchResults(JSON.stringify({ kind: "customsearch#search", items }))).toEqual(want);
        expect(parseSearchResults(JSON.stringify({ search_results: JSON.stringify({ items }) }))).toEqual(want);
      }),
    );
  });

  it("reads WebDancer markdown lists and R1 documents", () => {
    expect(parseSearchResults("A Google search for 'x' found 2 results:\n\n## Web Results\n1. [T one](https://a.example/1)\n\nsnip one\n\n2. [T two](https://b.example/2)\nDate published: 2024\n\nsnip two\n")).toEqual([
      { title: "T one", url: "https://a.example/1", snippet: "snip one" },
      { title: "T two", url: "https://b.example/2", snippet: "Date published: 2024\n\nsnip two" },
    ]);
    expect(parseSearchResults("(1)Paris   Paris is the capital.\n(2)France   A country.")).toEqual([
      { url: "", title: "Paris", snippet: "Paris is the capital." },
      { url: "", title: "France", snippet: "A country." },
    ]);
    expect(parseSearchResults("no results here")).toEqual([]);
  });
});

describe("answer, verdict and tag helpers", () => {
  it("lastBoxed returns the content of the last \\boxed{} with balanced braces", () => {
    const content = fc.stringMatching(/^[a-z0-9 +]{0,12}$/);
    const balanced: fc.Arbitrary<string> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, content, fc.tuple(content, tie("node"), content).map(([a, b, c]) => `${a}{${b}}${c}`)),
    })).node as fc.Arbitrary<string>;
    fc.assert(
      fc.property(fc.string(), balanced, balanced, (pre, first, last) => {
        const text = `${pre.replace(/[\\{}]/g, "")} \\boxed{${first}} then \\boxed{${last}}.`;
        expect(lastBoxed(text)).toBe(last.trim());
      }),
    );
    expect(lastBoxed("no box")).toBeNull();
    expect(lastBoxed("\\boxed{unclosed")).toBeNull();
  });

  it("verdicts from the usual encodings; anything else is unknown", () => {
    expect(["correct", "True", true, 1, "1.0", "yes"].map(verdictOf)).toEqual(Array(6).fill("correct"));
    expect(["incorrect", "False", false, 0, "wrong"].map(verdictOf)).toEqual(Array(5).fill("incorrect"));
    expect(["unknown", 0.5, null, undefined, "maybe"].map(verdictOf)).toEqual(Array(5).fill("unknown"));
  });

  it("gold answers flatten nested lists and target objects", () => {
    expect(goldList([["a"], ["b", "c"]])).toEqual(["a", "b", "c"]);
    expect(goldList({ target: ["x", "y"] })).toEqual(["x", "y"]);
    expect(goldList(42)).toEqual(["42"]);
  });

  it("tag blocks: counts, complete blocks, and an unclosed inner open", () => {
    const b = blocksOf("a<t>1</t>b<t>2<t>3</t>", "<t>", "</t>");
    expect(b).toMatchObject({ blocks: ["1", "3"], opens: 3, closes: 2 });
  });

  it("tool failures from the Fathom executor", () => {
    expect(toolFailure("[failed to retrieve content from URL]")).toBe("failed to retrieve content from URL");
    expect(toolFailure("[error: invalid URL 'x']")).toBe("invalid URL");
    expect(toolFailure("Parse tool call failed: Expecting value")).toBe("tool call could not be parsed");
    expect(toolFailure("error: \nboom")).toBe("tool error");
    expect(toolFailure("The useful information in x for goal \"g\":\n\nEvidence: an error: was reported")).toBeNull();
  });
});
