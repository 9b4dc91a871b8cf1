import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalUrl, domainOf } from "../../lib/index.js";
import { canonicalUrlSlow } from "../../lib/labels/canonical-url.js";

describe("canonical URLs", () => {
  it("drops scheme, www, default ports, trailing slash, fragment and tracking parameters; sorts the rest", () => {
    expect(canonicalUrl("https://www.Example.com/a/?utm_source=x&b=2&a=1#top")).toBe("example.com/a?a=1&b=2");
    expect(canonicalUrl("http://example.com:80/a")).toBe("example.com/a");
    expect(canonicalUrl("https://example.com:8443/a")).toBe("example.com:8443/a");
    expect(canonicalUrl("https://example.com/?gclid=1&fbclid=2")).toBe("example.com");
    expect(canonicalUrl("www.example.com/Path/")).toBe("example.com/Path");
    expect(canonicalUrl("https://en.wikipedia.org/wiki/Café")).toBe(
      canonicalUrl("https://en.wikipedia.org/wiki/Caf%C3%A9"),
    );
    expect(canonicalUrl("https://example.com/search?q=a b&lang=en")).toBe("example.com/search?lang=en&q=a+b");
    expect(canonicalUrl("not a url")).toBe("not a url");
    expect(domainOf("https://www2.news.bbc.co.uk/x")).toBe("news.bbc.co.uk");
    expect(domainOf("search:foo")).toBe("");
  });

  it("the fast path agrees with the URL parser on any URL", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl(),
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.webUrl().map((u) => u.replace("://", "://WWW.").toUpperCase()),
        ),
        (u) => {
          expect(canonicalUrl(u)).toBe(canonicalUrlSlow(u));
        },
      ),
      { numRuns: 2000 },
    );
    for (const u of [
      "https://a.example:443/x/",
      "http://a.example:80",
      "http://a.example:8080/",
      "https://a.example/./x",
      "https://a.example//x",
      "https://a.example/a/../b",
      "https://xn--caf-dma.example/",
      "https://a.example/%7Euser",
      "http://a.example:0080/x",
      "https://a.example:99999/x",
      "https://a..example/",
      "HTTPS://A.EXAMPLE/X",
    ])
      expect(canonicalUrl(u)).toBe(canonicalUrlSlow(u));
  });

  it("is idempotent and ignores the spellings it promises to ignore", () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.boolean(),
        fc.boolean(),
        (u, www, slash) => {
          const c = canonicalUrl(u);
          expect(canonicalUrl(c)).toBe(c);
          const url = new URL(u);
          const variant = `${url.protocol === "https:" ? "http" : "https"}://${www && !url.hostname.startsWith("www.") ? "www." : ""}${url.host}${url.pathname}${slash && !url.pathname.endsWith("/") ? "/" : ""}${url.search}${url.search ? "&" : "?"}utm_medium=email#frag`;
          expect(canonicalUrl(variant)).toBe(c);
        },
      ),
      { numRuns: 300 },
    );
  });
});
