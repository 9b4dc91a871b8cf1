# --- JavaScript string semantics, so that the port matches the TypeScript reference exactly:
# JS `\s` / `trim()` whitespace, UTF-16 lengths and slices, and JSON.stringify.

_JS_WS = (
    "\t\n\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# regex character classes equal to JavaScript's \s and \S
S = "[" + "".join("\\x%02x" % ord(c) if ord(c) < 0x100 else "\\u%04x" % ord(c) for c in _JS_WS) + "]"
NS = "[^" + S[1:]
# `.` in a JavaScript regex without the s flag
DOT = "[^\\n\\r\\u2028\\u2029]"


def js_trim(s):
    return s.strip(_JS_WS)


def js_trim_start(s):
    return s.lstrip(_JS_WS)


def js_is_space(c):
    return c in _JS_WS


def _astral(s):
    """Whether s holds a character beyond U+FFFF (two UTF-16 units): its UTF-16 encoding (a lone
    surrogate one unit) is then longer than two bytes a character. Encoding is ~100x faster than a
    regex scan of a long response."""
    return not s.isascii() and len(s.encode("utf-16-le", "surrogatepass")) != 2 * len(s)


def utf16_len(s):
    if not _astral(s):
        return len(s)
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def utf16_slice(s, start, end=None):
    """`s.slice(start, end)` with JavaScript's UTF-16 indices (non-negative arguments)."""
    if not _astral(s):
        return s[start:end]
    b = s.encode("utf-16-le", "surrogatepass")
    e = len(b) if end is None else 2 * end
    return b[2 * start : e].decode("utf-16-le", errors="surrogatepass")


def utf16_units(s):
    """The UTF-16 code units of `s` (what JavaScript's charCodeAt sees)."""
    if not _astral(s):
        return [ord(c) for c in s]
    b = s.encode("utf-16-le", "surrogatepass")
    return [b[i] | (b[i + 1] << 8) for i in range(0, len(b), 2)]


def js_number(x):
    """Number.prototype.toString for finite numbers."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    r = repr(x)
    if "e" in r:
        mant, exp = r.split("e")
        e = int(exp)
        if -7 < e < 21:
            return format(x, "f").rstrip("0").rstrip(".") if e < 0 else str(x)
        return "%se%s%d" % (mant, "+" if e > 0 else "-", abs(e))
    return r


# JSON.stringify of a string: json.dumps(s, ensure_ascii=False) without building an encoder per call
_js_str = json.encoder.encode_basestring


def js_stringify(v):
    """JSON.stringify(v) (no indentation): compact separators, non-ASCII unescaped, JS numbers."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str):
        return _js_str(v)
    if isinstance(v, (int, float)):
        return js_number(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(js_stringify(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(_js_str(str(k)) + ":" + js_stringify(x) for k, x in v.items()) + "}"
    return "null"


def canonical_json(v):
    """sounding's canonicalJson: JSON with object keys sorted at every level (UTF-16 order)."""
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(canonical_json(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=utf16_units)
        return "{" + ",".join(_js_str(k) + ":" + canonical_json(v[k]) for k in keys) + "}"
    return js_stringify(v)


def _no_constants(name):
    raise ValueError("%s is not JSON" % name)


_JSON = json.JSONDecoder(parse_constant=_no_constants)


_RAW_DECODE = _JSON.raw_decode


def json_parse(text):
    """JSON.parse: rejects NaN / Infinity (Python's json accepts them)."""
    # most texts are one JSON value with no surrounding whitespace: the scanner alone reads them;
    # anything else (and every error, with its message) goes through decode()
    try:
        v, end = _RAW_DECODE(text)
        if end == len(text):
            return v
    except ValueError:
        pass
    return _JSON.decode(text)
