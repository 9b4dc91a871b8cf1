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
    t = s.lower() if s.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", s)).lower()
    return _NOT_LN.sub(" ", t).strip(" ")


def content_tokens(s, extra_stop=None, normalised=False):
    # JavaScript's w.length > 1: one astral character is two UTF-16 units
    words = [
        w
        for w in (s if normalised else normalise_text(s)).split(" ")
        if len(w) > 1 or (w and (ord(w) > 0xFFFF or "0" <= w <= "9"))
    ]
    kept = [w for w in words if w not in _STOP and not (extra_stop and w in extra_stop)]
    return kept if kept else words


def jaccard(a, b):
    if not a and not b:
        return 1
    if a.isdisjoint(b):
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def overlap_coefficient(a, b):
    if not a or not b:
        return 0
    return len(a & b) / min(len(a), len(b))


def trigrams(s, normalised=False):
    """The set of character trigrams (UTF-16 units, as TypeScript counts them) of the padded text."""
    t = " " + (s if normalised else normalise_text(s)) + " "
    if not _astral(t):
        # one character per UTF-16 unit: the set of 3-character substrings has the same sizes and overlaps
        return {t[i : i + 3] for i in range(len(t) - 2)}
    # one character per UTF-16 unit (surrogates as lone code points), so that the trigrams of a text
    # with astral characters compare with those of any other text as TypeScript's numeric codes do
    u = "".join(map(chr, utf16_units(t)))
    return {u[i : i + 3] for i in range(len(u) - 2)}
