# --- tallies (port of lib/metrics/tallies.ts) and the reward of Eq. 4 / Eq. 8 (port of
# lib/reward/steerable-reward.ts): the reward arithmetic, once, in Python.

_TALLY_KEY = {
    "UNIQUESEARCH": "n_uniq_s",
    "REDUNDANTSEARCH": "n_red_s",
    "EXPLORATION": "n_explore",
    "VERIFICATION": "n_verify",
    "REDUNDANTQUERY": "n_red_q",
}
LETTER_LABEL = {v: k for k, v in LABEL_LETTER.items()}


def compact_labels(labels):
    return "".join(NO_LABEL_LETTER if label is None else LABEL_LETTER[label] for label in labels)


def labels_from_compact(s):
    out = []
    for ch in s:
        if ch == NO_LABEL_LETTER:
            out.append(None)
        elif ch in LETTER_LABEL:
            out.append(LETTER_LABEL[ch])
        else:
            raise ValueError("labels column %r: unknown letter %r (expected one of U S E V Q .)" % (s, ch))
    return out


def _empty_tallies(n):
    return {"T": n, "labelled": 0, "n_uniq_s": 0, "n_red_s": 0, "n_explore": 0, "n_verify": 0, "n_red_q": 0}


def tallies_from_labels(labels):
    t = _empty_tallies(len(labels))
    t["n_red_q_fixed"] = 0
    t["claim_checks"] = None
    for label in labels:
        if label is None:
            continue
        if label not in _TALLY_KEY:
            raise ValueError("unknown behaviour label %r" % (label,))
        t["labelled"] += 1
        t[_TALLY_KEY[label]] += 1
    return t


def tallies_from_rows(rows, roles):
    """talliesOf: rows are (label, claim, check) per call; roles the calls' roles."""
    t = _empty_tallies(len(rows))
    t["n_red_q_fixed"] = 0
    checks = {}
    claim_data = True
    for (label, claim, check), role in zip(rows, roles):
        if label is not None:
            t["labelled"] += 1
            t[_TALLY_KEY[label]] += 1
        if role == "page":
            if check is None:
                claim_data = False
            elif check and claim is not None:
                checks[claim] = checks.get(claim, 0) + 1
            elif label == "REDUNDANTQUERY":
                t["n_red_q_fixed"] += 1
    t["claim_checks"] = [checks[k] for k in sorted(checks)] if claim_data else None
    return t


def rollout_reward(t, correct, format_ok, cfg, labels_bv=1):
    n_verify, n_red_q = t["n_verify"], t["n_red_q"]
    if cfg["Bv"] != labels_bv and t.get("claim_checks") is not None:
        n_verify = sum(min(c, cfg["Bv"]) for c in t["claim_checks"])
        n_red_q = t["n_red_q_fixed"] + sum(max(0, c - cfg["Bv"]) for c in t["claim_checks"])
    T = t["T"] if cfg["countT"] == "all" else t["labelled"]
    rho = cfg["rhoWhenNoCalls"] if T == 0 else (t["n_red_s"] + n_red_q) / T
    delta_s = t["n_uniq_s"] - t["n_red_s"]
    delta_q = t["n_explore"] + n_verify - n_red_q
    if cfg["clipDelta"]:
        delta_s = max(0, delta_s)
        delta_q = max(0, delta_q)
    fmt = cfg["formatWeight"] * (1 if format_ok else 0)
    if cfg["stage"] == "vanilla":
        reward = fmt + cfg["correctWeight"] * (1 if correct else 0)
    elif correct:
        reward = fmt + max(1 - rho, cfg["floor"])
    else:
        # as lib/reward/reward-kernel.ts: min(1, Δ·(1/C)), and the two terms summed before R_format is added
        sat_s = delta_s * (1 / cfg["CS"])
        sat_q = delta_q * (1 / cfg["CQ"])
        sat_s = sat_s if sat_s < 1 else 1
        sat_q = sat_q if sat_q < 1 else 1
        reward = fmt + (cfg["c1"] * sat_s + cfg["c2"] * sat_q)
    return reward, rho, delta_s, delta_q


def _normalise_answer(s):
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w]+|_", " ", s).split())


def gold_list(v):
    """Flatten a gold-answer field (string, number, nested lists, {target|answer|...}) like goldList."""
    out = []

    def walk(x):
        if isinstance(x, str):
            if x:
                out.append(x)
        elif isinstance(x, bool):
            out.append("true" if x else "false")
        elif isinstance(x, (int, float)):
            out.append(js_number(x))
        elif isinstance(x, (list, tuple)):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for k in ("target", "answer", "answers", "value", "aliases"):
                if k in x:
                    walk(x[k])
        elif hasattr(x, "tolist"):  # numpy arrays, as verl's non_tensor_batch holds them
            walk(x.tolist())

    walk(v)
    return out


def verdict_of(v):
    """verdictOf: True / False / None (unknown) from the usual judge encodings."""
    if v is True or (not isinstance(v, bool) and isinstance(v, (int, float)) and v == 1):
        return True
    if v is False or (not isinstance(v, bool) and isinstance(v, (int, float)) and v == 0):
        return False
    if isinstance(v, str):
        s = js_trim(v).lower()
        if s in ("correct", "true", "yes", "1", "1.0"):
            return True
        if s in ("incorrect", "false", "no", "0", "0.0", "wrong"):
            return False
    return None


def answer_correct(final_answer, ground_truth):
    """The final answer (as sounding's reader reads it) equals a gold answer after normalisation."""
    if final_answer is None:
        return False
    pred = _normalise_answer(final_answer)
    return any(pred == _normalise_answer(g) for g in gold_list(ground_truth))
