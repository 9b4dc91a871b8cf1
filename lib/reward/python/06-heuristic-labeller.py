# --- the deterministic labeller (port of lib/labels/heuristic-labeller.ts: same rules, same
# thresholds, options from SPEC["labeller"]["options"]). Per call it gives (label, claim, check):
# the label, and for page calls the claim pursued and whether the call was a new-URL check of an
# already pursued claim (what lets the reward re-apply another B_v, as talliesOf does).

TOOL_ROLES = {k.lower(): v for k, v in DEFAULT_TOOL_ROLES.items()}
TOOL_ROLES.update({k.lower(): v for k, v in (SPEC.get("toolRoles") or {}).items()})
HEURISTIC_OPTIONS = dict(SPEC["labeller"]["options"])
_GOAL_VERBS = frozenset(
    "find verify confirm check look extract identify determine get obtain retrieve locate validate double cross "
    "learn search read see information info details detail specific exact whether any page source sources".split(" ")
)
_PAGE_RANK = {"EXPLORATION": 0, "VERIFICATION": 1, "REDUNDANTQUERY": 2}


def result_key(hit):
    if hit[0]:
        return canonical_url(hit[0])
    return "doc:%s|%s" % (normalise_text(hit_title(hit)), utf16_slice(normalise_text(hit_snippet(hit)), 0, 80))


def result_keys(hits):
    """[result_key(h) for h in hits]; a list of hits that all have URLs is canonicalised at once."""
    urls = [h[0] for h in hits]
    if all(urls):
        return canonical_urls(urls)
    return [result_key(h) for h in hits]


def _per_query_results(call, all_keys):
    queries = call["queries"]
    if len(queries) <= 1 or not call["response"]:
        return [all_keys for _ in queries]
    text = call["response"]
    at = []
    frm = 0
    for q in queries:
        i = text.find(q, frm)
        if i == -1:
            return [all_keys for _ in queries]
        at.append(i)
        frm = i + len(q)
    out = []
    for k, s in enumerate(at):
        part = text[s : at[k + 1] if k + 1 < len(at) else len(text)]
        out.append(result_keys(parse_search_results(part)))
    return out


_query_memo = _Memo()
_goal_memo = _Memo()


def _query_features(q):
    """(content tokens, trigrams, their sizes) of a query, memoised (the sets are never modified)."""
    v = _query_memo.get(q)
    if v is None:
        norm = normalise_text(q)
        tokens = set(content_tokens(norm, None, True))
        grams = trigrams(norm, True)
        v = _query_memo.put(q, (tokens, grams, len(tokens), len(grams)))
    return v


def _goal_tokens(goal):
    v = _goal_memo.get(goal)
    if v is None:
        v = _goal_memo.put(goal, frozenset(content_tokens(goal, _GOAL_VERBS)))
    return v


def heuristic_labels(rollout, options=None):
    """[(label or None, claim or None, check or None)] for every call of a rollout, in order."""
    o = HEURISTIC_OPTIONS if options is None else options
    tok_t, ch_t = o["tokenThreshold"], o["charThreshold"]
    overlap_t, min_results = o["resultOverlap"], o["minResultsForOverlap"]
    goal_t, budget = o["goalThreshold"], o["verifyBudget"]
    majority = o["batchSummary"] == "majority"
    same_url_new_goal = o["sameUrlNewGoal"]
    seen_queries = []  # (tokens, trigrams, sizes)
    seen_results = set()
    claims = []  # [tokens, verifications]
    read_by = {}
    out = []
    for call in rollout.calls:
        role = call["role"]
        if role == "search":
            per_query = _per_query_results(call, call["keys"])
            unique = 0
            n = 0
            for k, q in enumerate(call["queries"]):
                feats = _query_features(q)
                tokens, grams, lt, lg = feats
                best_tok = best_ch = None
                best_max = -1.0
                for s_tokens, s_grams, ls_t, ls_g in seen_queries:
                    # jaccard(), inlined: this loop is the labeller's hot path
                    i = len(tokens & s_tokens)
                    tok = i / (lt + ls_t - i) if i else (0.0 if lt or ls_t else 1)
                    i = len(grams & s_grams)
                    ch = i / (lg + ls_g - i) if i else (0.0 if lg or ls_g else 1)
                    m = tok if tok > ch else ch
                    if m > best_max:
                        best_tok, best_ch, best_max = tok, ch, m
                # distinct keys (a dict keeps first-seen order); the share already seen
                distinct = dict.fromkeys(per_query[k]) if k < len(per_query) else ()
                overlap = len(seen_results.intersection(distinct)) / len(distinct) if distinct else 0
                if best_tok is not None and (best_tok >= tok_t or best_ch >= ch_t):
                    pass
                elif len(distinct) >= min_results and overlap >= overlap_t:
                    pass
                else:
                    unique += 1
                n += 1
                seen_queries.append(feats)
                seen_results.update(distinct)
            if n == 0:
                out.append(("REDUNDANTSEARCH", None, None))
            else:
                ok = unique * 2 > n if majority else unique > 0
                out.append(("UNIQUESEARCH" if ok else "REDUNDANTSEARCH", None, None))
        elif role == "page":
            goal = call["goal"]
            goal_tokens = _goal_tokens(goal) if goal else None
            has_goal = bool(goal_tokens)
            claim = None
            if has_goal:
                best_sim = 0
                for cid, c in enumerate(claims):
                    s = overlap_coefficient(goal_tokens, c[0])
                    if s > best_sim:
                        best_sim = s
                        if s >= goal_t:
                            claim = cid
            if call["urls"]:
                targets = call["urls"]
            else:
                targets = ["%s:%s" % (call["name"], goal if goal is not None else call_arguments(call))]
            best_label = None
            best_check = False
            for raw in targets:
                u = canonical_url(raw)
                read_for = read_by.get(u)
                claim_before = claim
                if read_for is not None and (not has_goal or (claim is not None and claim in read_for)):
                    label = "REDUNDANTQUERY"
                elif read_for is not None:
                    label = same_url_new_goal
                elif claim is None:
                    label = "EXPLORATION"
                elif claims[claim][1] < budget:
                    claims[claim][1] += 1
                    label = "VERIFICATION"
                else:
                    label = "REDUNDANTQUERY"
                check = read_for is None and claim_before is not None
                if claim is None and has_goal:
                    claims.append([goal_tokens, 0])
                    claim = len(claims) - 1
                read_by.setdefault(u, set()).add(claim)
                if best_label is None or _PAGE_RANK[label] < _PAGE_RANK[best_label]:
                    best_label, best_check = label, check
            out.append((best_label, claim, best_check))
        else:
            out.append((None, None, None))
    return out
