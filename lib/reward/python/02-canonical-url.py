# --- canonical URLs (port of lib/labels/canonical-url.ts). The common http(s) shape takes the
# fast path, exactly as in TypeScript; anything else goes through a port of the WHATWG URL
# parser's steps that canonicalUrl depends on (host lower-casing and IDNA, default ports,
# dot segments, path percent-encoding, URLSearchParams parsing and serialisation).

_TRACKING = re.compile(
    r"(utm_[a-z]+|gclid|fbclid|msclkid|dclid|yclid|mc_[a-z]+|_ga|_gl|ref|ref_src|ref_url|source|igshid|si|spm"
    r"|share|via)",
    re.I,
)
_SIMPLE = re.compile(r"https?://([A-Za-z0-9.-]+)(?::([0-9]+))?(/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*)?")
_SIMPLE_MATCH = _SIMPLE.fullmatch
_DOTS = re.compile(r"/\.\.?(/|$)|//")
_WWW = re.compile(r"^www[0-9]*\.")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}
_url_cache = {}
_MOBILE_LANG = re.compile(r"[a-z]{2,3}(-[a-z]+)?")


def _desktop_host(h):
    """desktopHost: `www.` dropped, then a mobile label (`m.`, `mobile.`, `en.m.`) when two labels remain."""
    host = _WWW.sub("", h, count=1) if h.startswith("w") else h
    if not (host.startswith("m.") or host.startswith("mobile.")) and ".m." not in host:
        return host
    labels = host.split(".")
    if len(labels) >= 3 and (labels[0] == "m" or labels[0] == "mobile"):
        host = ".".join(labels[1:])
    elif len(labels) >= 4 and labels[1] == "m" and _MOBILE_LANG.fullmatch(labels[0]):
        host = ".".join([labels[0]] + labels[2:])
    return _WWW.sub("", host, count=1)


def canonical_url(raw):
    c = _url_cache.get(raw)
    if c is not None:
        return c
    # the fast path, inline (it is the labeller's hot path); same tests as canonicalUrl's
    m = _SIMPLE_MATCH(raw)
    if m is not None:
        host, port, path = m.groups()
        if port is not None:
            port_num = int(port)
            if port_num > 65535:
                m = None
            elif port_num == (443 if raw[4] == "s" else 80):
                port = ""
            else:
                port = ":%d" % port_num
        else:
            port = ""
        if path is None:
            path = ""
        elif ("/." in path or "//" in path) and _DOTS.search(path):
            m = None
        if m is not None and host[0] != "." and "." in host:
            c = _desktop_host(host.lower()) + port + path.rstrip("/")
    if c is None:
        c = _canonicalise(raw)
    if len(_url_cache) > 200000:
        _url_cache.clear()
    _url_cache[raw] = c
    return c


# canonical_urls: a search response's URLs at once. When every URL is a plain lower-case
# `http(s)://host.tld/path` (no port, no `//` after the scheme, no `/.`: one regex over the joined
# list checks them all), the fast path reduces to dropping the scheme, a leading `www<digits>.` and
# trailing slashes; any other list goes URL by URL.
_PLAIN_URLS = re.compile(r"(?:https?://[a-z0-9-]+\.[a-z0-9.-]*(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*)?\n)+")
_PLAIN_HEAD = re.compile(r"https?://(?:www[0-9]*\.)?").match


def canonical_urls(urls):
    """[canonical_url(u) for u in urls], faster for the common shape (the same strings)."""
    if len(urls) > 1:
        joined = "\n".join(urls) + "\n"
        if (
            joined.count("//") == len(urls)
            and "/." not in joined
            and "//m." not in joined
            and "//mobile." not in joined
            and ".m." not in joined
            and ".mobile." not in joined
            and _PLAIN_URLS.fullmatch(joined)
        ):
            head = _PLAIN_HEAD
            return [u[head(u).end() :].rstrip("/") for u in urls]
    return [canonical_url(u) for u in urls]


class _BadUrl(Exception):
    pass


_C0_SPACE = "".join(chr(i) for i in range(0x21))
_PATH_ENCODE = set(' "#<>?`{}')
_FORM_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._")
_FORBIDDEN_HOST = set("\x00\t\n\r #/:<>?@[\\]^|%")


def _pct(s, keep):
    out = []
    for ch in s:
        if ord(ch) < 0x21 or ord(ch) > 0x7E or ch in keep:
            out.append("".join("%%%02X" % b for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def _parse_url(s):
    """(scheme, hostname, port, pathname, query) as new URL(s) gives them, or _BadUrl."""
    s = s.strip(_C0_SPACE)
    s = s.replace("\t", "").replace("\n", "").replace("\r", "")
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", s)
    if not m:
        raise _BadUrl()
    scheme = m.group(1).lower()
    rest = s[m.end() :]
    special = scheme in _DEFAULT_PORTS or scheme == "file"
    if special:
        rest = rest.replace("\\", "/")
    if not rest.startswith("//"):
        raise _BadUrl()
    rest = rest.lstrip("/") if special else rest[2:]
    end = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i != -1 and i < end:
            end = i
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        authority = authority[authority.rfind("@") + 1 :]
    port = ""
    host = authority
    pm = re.search(r":([0-9]*)$", authority)
    if pm and not authority.startswith("["):
        host = authority[: pm.start()]
        port = pm.group(1)
        if port:
            if int(port) > 65535:
                raise _BadUrl()
            port = str(int(port))
            if _DEFAULT_PORTS.get(scheme) == port:
                port = ""
    elif ":" in authority and not authority.startswith("["):
        raise _BadUrl()
    host = urllib.parse.unquote(host, errors="strict")
    if special:
        if host == "" and scheme != "file":
            raise _BadUrl()
        if any(c in _FORBIDDEN_HOST for c in host):
            raise _BadUrl()
        try:
            host = host.encode("idna").decode("ascii").lower() if any(ord(c) > 0x7F for c in host) else host.lower()
        except UnicodeError:
            raise _BadUrl()
    frag = tail.find("#")
    if frag != -1:
        tail = tail[:frag]
    q = tail.find("?")
    path, query = (tail, "") if q == -1 else (tail[:q], tail[q + 1 :])
    segments = []
    parts = path.split("/")[1:] if path.startswith("/") else ([path] if path else [])
    for i, seg in enumerate(parts):
        low = seg.lower()
        last = i == len(parts) - 1
        if low in ("..", ".%2e", "%2e.", "%2e%2e"):
            if segments:
                segments.pop()
            if last:
                segments.append("")
        elif low in (".", "%2e"):
            if last:
                segments.append("")
        else:
            segments.append(_pct(seg, _PATH_ENCODE))
    pathname = "/" + "/".join(segments) if special or path else ""
    return scheme, host, port, pathname, query


def _form_decode(s):
    return urllib.parse.unquote(s.replace("+", " "), errors="replace")


def _form_encode(s):
    out = []
    for ch in s:
        if ch in _FORM_SAFE:
            out.append(ch)
        elif ch == " ":
            out.append("+")
        else:
            out.append("".join("%%%02X" % b for b in ch.encode("utf-8", "surrogatepass")))
    return "".join(out)


def _canonicalise(raw):
    s = js_trim(raw)
    has_scheme = _SCHEME.match(s) is not None
    try:
        scheme, hostname, port, pathname, query = _parse_url(s if has_scheme else "http://" + s)
    except (_BadUrl, ValueError, UnicodeError):
        return s.lower()
    if "." not in hostname and not has_scheme:
        return s.lower()
    host = _desktop_host(hostname.lower())
    if port and not ((scheme == "http" and port == "80") or (scheme == "https" and port == "443")):
        port = ":" + port
    else:
        port = ""
    path = pathname.rstrip("/")
    params = []
    for part in query.split("&") if query else []:
        if not part:
            continue
        k, _, v = part.partition("=")
        params.append((_form_decode(k), _form_decode(v)))
    params = [p for p in params if not _TRACKING.fullmatch(p[0])]
    params.sort(key=lambda p: (utf16_units(p[0]), utf16_units(p[1])))
    q = "?" + "&".join(_form_encode(k) + "=" + _form_encode(v) for k, v in params) if params else ""
    return host + port + path + q
