/**
 * Canonical URLs, so that the same page written two ways counts once: lower-case host without
 * `www.`, scheme dropped (http and https are one page), default ports dropped, trailing
 * slash and fragment dropped, tracking parameters (`utm_*`, `gclid`, `fbclid`, …) removed,
 * remaining parameters sorted. Text that is not a URL is returned trimmed and lower-cased.
 *
 * @example canonicalUrl("https://www.Example.com/a/?utm_source=x&b=2&a=1#top") // "example.com/a?a=1&b=2"
 */

const TRACKING = /^(utm_[a-z]+|gclid|fbclid|msclkid|dclid|yclid|mc_[a-z]+|_ga|_gl|ref|ref_src|ref_url|source|igshid|si|spm|share|via)$/i;

export function canonicalUrl(raw: string): string {
  const s = raw.trim();
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
  } catch {
    return s.toLowerCase();
  }
  if (!u.hostname.includes(".") && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s.toLowerCase();
  const host = u.hostname.toLowerCase().replace(/^www\d*\./, "");
  const port = u.port && !((u.protocol === "http:" && u.port === "80") || (u.protocol === "https:" && u.port === "443")) ? `:${u.port}` : "";
  // the WHATWG parser already percent-encodes paths one way (é and %C3%A9 are the same path)
  const path = u.pathname.replace(/\/+$/, "");
  const params = [...u.searchParams.entries()].filter(([k]) => !TRACKING.test(k)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const query = params.length ? "?" + new URLSearchParams(params).toString() : "";
  return `${host}${port}${path}${query}`;
}

/** The host of a URL without `www.` (the "domain" novelty counts), or "" when there is none. */
export function domainOf(raw: string): string {
  const c = canonicalUrl(raw);
  const slash = c.search(/[/?]/);
  const host = slash === -1 ? c : c.slice(0, slash);
  return host.includes(".") ? host.replace(/:\d+$/, "") : "";
}
