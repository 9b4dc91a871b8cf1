# --- text normalisation and similarity (port of lib/labels/text-similarity.ts).

_STOP = frozenset(
    "a an and are as at be been by did do does for from has have how in is it its of on or the their this that "
    "to was were what when where which who whom whose why with about into than then vs".split(" ")
)
_COMBINING = re.compile("[\u0300-\u036f]")
_NOT_LN = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"[0-9]")


def normalise_text(s):
    """NFKD, strip combining marks U+0300-U+036F, lower case, non-letters/digits to one space, trim."""
    t = _COMBINING.sub("", unicodedata.normalize("NFKD", s)).lower()
    return _NOT_LN.sub(" ", t).strip(" ")


def content_tokens(s, extra_stop=None, normalised=False):
    words = [w for w in (s if normalised else normalise_text(s)).split(" ") if utf16_len(w) > 1 or _DIGIT.search(w)]
    kept = [w for w in words if w not in _STOP and not (extra_stop and w in extra_stop)]
    return kept if kept else words


def jaccard(a, b):
    if not a and not b:
        return 1
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def overlap_coefficient(a, b):
    if not a or not b:
        return 0
    return len(a & b) / min(len(a), len(b))


def trigrams(s, normalised=False):
    u = utf16_units(" " + (s if normalised else normalise_text(s)) + " ")
    return {u[i] * 4294967296 + u[i + 1] * 65536 + u[i + 2] for i in range(len(u) - 2)}
