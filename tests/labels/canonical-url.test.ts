import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalUrl, domainOf } from "../../lib/index.js";

describe("canonical URLs", () => {
  it("drops scheme, www, default ports, trailing slash, fragment and tracking parameters; sorts the rest", () => {
    expect(canonicalUrl("https://www.Example.com/a/?utm_source=x&b=2&a=1#top")).toBe("example.com/a?a=1&b=2");
    expect(canonicalUrl("http://example.com:80/a")).toBe("example.com/a");
    expect(canonicalUrl("https://example.com:8443/a")).toBe("example.com:8443/a");
    expect(canonicalUrl("https://example.com/?gclid=1&fbclid=2")).toBe("example.com");
    expect(canonicalUrl("www.example.com/Path/")).toBe("example.com/Path");
    expect(canonicalUrl("https://en.wikipedia.org/wiki/Café")).toBe(canonicalUrl("https://en.wikipedia.org/wiki/Caf%C3%A9"));
    expect(canonicalUrl("https://example.com/search?q=a b&lang=en")).toBe("example.com/search?lang=en&q=a+b");
    expect(canonicalUrl("not a url")).toBe("not a url");
    expect(domainOf("https://www2.news.bbc.co.uk/x")).toBe("news.bbc.co.uk");
    expect(domainOf("search:foo")).toBe("");
  });

  it("is idempotent and ignores the spellings it promises to ignore", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.boolean(), fc.boolean(), (u, www, slash) => {
        const c = canonicalUrl(u);
        expect(canonicalUrl(c)).toBe(c);
        const url = new URL(u);
        const variant = `${url.protocol === "https:" ? "http" : "https"}://${www && !url.hostname.startsWith("www.") ? "www." : ""}${url.host}${url.pathname}${slash && !url.pathname.endsWith("/") ? "/" : ""}${url.search}${url.search ? "&" : "?"}utm_medium=email#frag`;
        expect(canonicalUrl(variant)).toBe(c);
      }),
      { numRuns: 300 },
    );
  });
});
