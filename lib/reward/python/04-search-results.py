# --- hit lists out of search responses (port of lib/formats/search-results.ts). A hit is a
# (url, title, snippet) tuple; the url is trimmed, title and snippet may still carry the spaces
# that TypeScript trims (hit_title / hit_snippet trim them: most hits have a URL and never need it).


def _str(v):
    return v if isinstance(v, str) else ""


def _first_present(x, keys):
    # JavaScript's `a ?? b ?? c`: the first key that is present and not null
    for k in keys:
        if k in x and x[k] is not None:
            return x[k]
    return None


def _from_json_value(v, depth=0):
    if depth > 6:
        return None
    if isinstance(v, str):
        t = js_trim(v)
        if t.startswith("{") or t.startswith("["):
            try:
                return _from_json_value(json_parse(t), depth + 1)
            except ValueError:
                return None
        return None
    if isinstance(v, list):
        out = []
        for x in v:
            if not isinstance(x, dict):
                continue
            url = _str(_first_present(x, ("url", "link", "href")))
            if not url:
                continue
            out.append(
                (
                    url,
                    _str(_first_present(x, ("title", "name"))),
                    _str(_first_present(x, ("snippet", "content", "description", "text"))),
                )
            )
        return out if out or len(v) == 0 else None
    if isinstance(v, dict):
        for k in ("items", "organic", "results", "search_results", "organic_results", "web"):
            if k in v:
                r = _from_json_value(v[k], depth + 1)
                if r is not None:
                    return r
    return None


# The TypeScript snippet group is lazy, `([\s\S]*?)` up to the lookahead; terminators start with a
# newline, so "non-newline runs and newlines that start no terminator", greedy, ends at the same
# place (it stops where the lookahead holds, so it never backtracks) and is many times faster.
_FATHOM_END = r"\n---\n|\n###" + S + r"*[0-9]+\."
_FATHOM_BLOCK = re.compile(
    r"###" + S + r"*[0-9]+\." + S + r"*([^\n]*)\n\*\*URL\*\*:" + S + "*(" + NS + r"*)[^\n]*\n(?:\n?\*\*Snippet\*\*:"
    + S + r"*((?:[^\n]+|\n(?!" + _FATHOM_END[2:].replace("|\\n", "|") + r"))*))?(?=" + _FATHOM_END + r"|\Z)"
)
_MD_ITEM = re.compile(
    r"^" + S + r"*[0-9]+\." + S + r"*\[([^\]\n]*)\]\((" + NS + r"+?)\)[^\n]*\n([\s\S]*?)(?=^" + S + r"*[0-9]+\." + S
    + r"*\[|</?tool_response>|\Z)",
    re.M,
)
_R1_DOC = re.compile(r"^\(([0-9]+)\)([^\n]*)$", re.M)
_SR1_DOC = re.compile(r"Doc [0-9]+" + S + r"*\(Title:" + S + r"*([^)]*)\)" + S + r"*([^\n]*)")
_R1_FIRST = re.compile(r"^\(1\)", re.M)
_THREE_SPACES = re.compile(S + "{3}")


def hit_title(hit):
    return js_trim(hit[1])


def hit_snippet(hit):
    return js_trim(hit[2])


def parse_search_results(text):
    t = js_trim_start(text)
    if t.startswith("{") or t.startswith("["):
        r = _from_json_value(t)
        if r is not None:
            return r
    if "**URL**:" in text:
        # findall gives "" for a group that did not take part (TypeScript's `?? ""`); the URL group is
        # `\S*`, which holds no whitespace to trim
        out = [(u, t, sn) for t, u, sn in _FATHOM_BLOCK.findall(text)]
        if out:
            return out
    if "](" in text:
        out = [(js_trim(m.group(2) or ""), m.group(1) or "", m.group(3) or "") for m in _MD_ITEM.finditer(text)]
        if out:
            return out
    if "Doc 1" in text:
        out = [("", js_trim(m.group(1) or ""), js_trim(m.group(2) or "")) for m in _SR1_DOC.finditer(text)]
        if out:
            return out
    if _R1_FIRST.search(text):
        out = []
        for m in _R1_DOC.finditer(text):
            body = js_trim(m.group(2) or "")
            g = _THREE_SPACES.search(body)
            if g is None:
                out.append(("", "", body))
            else:
                out.append(("", js_trim(body[: g.start()]), js_trim(body[g.start() :])))
        return out
    return []
