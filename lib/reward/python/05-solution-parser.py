# --- reading verl's solution_str (decoded, special tokens stripped): a port of
# lib/formats/verl.ts and its helpers (tagged-dialogue.ts, inline-search.ts, tag-blocks.ts,
# tool-failure.ts, call-arguments.ts, record-fields.ts, trajectory/builder.ts). A rollout is a
# dict {steps: [text], calls: [call], final_answer, truncated}; a call is a dict with index,
# name, role, queries, urls, goal, arguments, parsed, response, results, error, error_reason.

_FAILURES = [
    (re.compile(r"\[failed to retrieve content from URL\]"), "failed to retrieve content from URL"),
    (re.compile(r"\[error: invalid URL[^\]]*\]"), "invalid URL"),
    (re.compile(r"\[tool-error\]"), "tool error"),
    (re.compile(r"error:" + S + r"*execution timed out", re.I), "execution timed out"),
    (re.compile(r"^" + S + r"*Parse tool call failed"), "tool call could not be parsed"),
]
_ERROR_HEAD = re.compile(r"^error:" + S + r"*\n")
_ERROR_BODY = re.compile(r"\n(result|output):" + S + r"*\n" + S + "*" + NS)
# anchored patterns are applied with .match: .search would try every position of long texts
_RESULT_LABEL = re.compile(S + r"*result:[ \t]*\n")


def tool_failure(text):
    head = utf16_slice(text, 0, 2000) + utf16_slice(text, utf16_len(text) - 2000) if utf16_len(text) > 4000 else text
    # every failure pattern holds one of these literals ("error:" in any case): most responses hold
    # none and skip the regex scans
    if "error" in head or "[failed to retrieve" in head or "Parse tool call failed" in head or "error:" in head.lower():
        for pattern, reason in _FAILURES:
            if pattern.search(head):
                return reason
    t = js_trim_start(head)
    if _ERROR_HEAD.search(t) and not _ERROR_BODY.search(t):
        return "tool error"
    return None


def _executor_result(text):
    m = _RESULT_LABEL.match(text)
    return text[m.end() :] if m else text


def _last_braced_box(text):
    at = text.rfind("\\boxed{")
    while at != -1:
        depth = 0
        start = at + 7
        for i in range(start - 1, len(text)):
            c = text[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return (at, js_trim(text[start:i]))
        # JavaScript's lastIndexOf(s, at - 1) is rfind(s, 0, at - 1 + len(s))
        at = text.rfind("\\boxed{", 0, at + 6) if at > 0 else -1
    return None


_BARE_BOX = re.compile(r"[ \t]*([^$\n]*?)[ \t]*(?:\$|\\\]|\n|\Z)")


def _last_bare_box(text):
    """The brace-less `\\boxed 96` (port of lastBareBox in lib/formats/record-fields.ts)."""
    at = text.rfind("\\boxed ")
    if at == -1:
        return None
    m = _BARE_BOX.match(text, at + 7)
    content = js_trim(m.group(1)) if m else ""
    return (at, content) if content else None


def last_boxed(text):
    braced = _last_braced_box(text)
    bare = _last_bare_box(text) if "\\boxed " in text else None
    if braced and bare:
        return bare[1] if bare[0] > braced[0] else braced[1]
    b = braced or bare
    return b[1] if b else None


def last_answer_tag(text):
    end = text.rfind("</answer>")
    if end == -1:
        return None
    start = text.rfind("<answer>", 0, end + 8)
    if start == -1:
        return None
    return js_trim(text[start + 8 : end])


def reasoning_of(text):
    close = text.find("</think>")
    if close == -1:
        op = text.find("<think>")
        return "" if op == -1 else js_trim(text[op + 7 :])
    op = text.rfind("<think>", 0, close + 7)
    return js_trim(text[0 if op == -1 else op + 7 : close])


def blocks_of(text, open_tag, close_tag):
    opens = text.count(open_tag)
    if opens <= 1:
        # no block, or one: no inner opening to skip
        closes = text.count(close_tag)
        if opens == 0 or closes == 0:
            return [], opens, closes
        s = text.find(open_tag) + len(open_tag)
        e = text.find(close_tag, s)
        return ([text[s:e]] if e != -1 else []), 1, closes
    blocks = []
    i = text.find(open_tag)
    while i != -1:
        s = i + len(open_tag)
        e = text.find(close_tag, s)
        if e == -1:
            break
        inner = text.find(open_tag, s)
        if inner != -1 and inner < e:
            i = inner
            continue
        blocks.append(text[s:e])
        i = text.find(open_tag, e + len(close_tag))
    return blocks, opens, text.count(close_tag)


_QUERY_KEYS = ("query", "queries", "q", "search_query", "keywords")
_URL_KEYS = ("url", "urls", "link", "links", "uri")
_GOAL_KEYS = ("goal", "purpose", "question")


def _strings(v):
    if isinstance(v, str):
        return [v] if v else []
    if isinstance(v, list):
        return [x for x in v if isinstance(x, str) and x]
    return []


def _first_of(args, keys):
    for k in keys:
        if k in args:
            s = _strings(args[k])
            if s:
                return s
    return []


def call_targets(args):
    if args is None:
        return [], [], None
    goal = _first_of(args, _GOAL_KEYS)
    return _first_of(args, _QUERY_KEYS), _first_of(args, _URL_KEYS), " ".join(goal) if goal else None


class Rollout:
    """The parts of a trajectory the labeller, the reward and the judge prompt use (TrajectoryBuilder)."""

    def __init__(self, roles, detail=False):
        self.roles = roles
        # tool failures only matter to the judge's prompt (labels and R_format never read them)
        self.detail = detail
        self.steps = []
        self.calls = []
        self.final_answer = None
        self.truncated = False
        self.question = ""

    def step(self, text):
        self.steps.append({"text": text, "calls": 0})

    def call(self, name, arguments, parsed, targets, malformed=None):
        if not self.steps:
            self.step("")
        queries, urls, goal = targets
        c = {
            "index": len(self.calls),
            "name": name,
            "role": self.roles.get(name.lower(), "other"),
            "queries": queries,
            "urls": urls,
            "goal": goal,
            "arguments": arguments,
            "parsed": parsed is not None,
            "response": None,
            # (hits, result keys) of a search response, parsed when first needed: call_hits(c)
            "hits": None,
            "error": malformed is not None,
            "error_reason": malformed,
        }
        self.calls.append(c)
        self.steps[-1]["calls"] += 1
        return c

    def respond(self, c, text, failure):
        c["response"] = text
        if failure and not c["error"]:
            c["error"] = True
            c["error_reason"] = failure

    def close(self):
        for c in self.calls:
            if c["response"] is None and not c["error"]:
                c["error"] = True
                c["error_reason"] = "no response recorded"
        return self


_NO_HITS = ([], [])


class _Memo(dict):
    """A bounded memo: rollouts of one GRPO group repeat calls, responses and queries."""

    def put(self, k, v):
        if len(self) > 50000:
            self.clear()
        self[k] = v
        return v


_hits_memo = _Memo()
_call_memo = _Memo()
_json_ok_memo = _Memo()


def search_hits(text):
    """(hits, result keys) of a search response, memoised by its text."""
    v = _hits_memo.get(text)
    if v is None:
        hits = parse_search_results(text)
        v = _hits_memo.put(text, (hits, result_keys(hits)))
    return v


def call_hits(c):
    """(hits, result keys) of a call: a search call's response parsed when first needed (the
    labeller only reads result keys for the few queries that reach its result-overlap test)."""
    h = c["hits"]
    if h is None:
        text = c["response"]
        h = c["hits"] = search_hits(text) if c["role"] == "search" and text is not None else _NO_HITS
    return h


def _attach(r, c, text):
    r.respond(c, text, tool_failure(text) if r.detail else None)


def call_arguments(c):
    """The call's raw argument text (JSON.stringify of parsed arguments), made when first needed."""
    a = c["arguments"]
    if isinstance(a, str):
        return a
    c["arguments"] = a = js_stringify(a[0])
    return a


_NAME_RE = re.compile(r'"name"' + S + r'*:' + S + r'*"((?:[^"\\]|\\' + DOT + r')*)"')


def _field_re(k):
    return re.compile('"' + k + '"' + S + "*:" + S + r'*"((?:[^"\\]|\\' + DOT + r')*)"')


_QUERY_RE, _URL_RE, _GOAL_RE = _field_re("query"), _field_re("url"), _field_re("goal")


def _unescape(s):
    try:
        v = json_parse('"' + s + '"')
        return v if isinstance(v, str) else s
    except ValueError:
        return s


def _js_error(err):
    return getattr(err, "msg", str(err))


def add_tagged_call(r, block):
    raw = js_trim(block)
    v = _call_memo.get(raw)
    if v is None:
        v = _call_memo.put(raw, _read_call(raw))
    return r.call(*v)


def _read_call(raw):
    """(name, arguments, parsed arguments, targets, malformed reason) of a <tool_call> block (addTaggedCall)."""
    try:
        parsed = json_parse(raw)
    except ValueError as err:
        name = _NAME_RE.search(raw)
        goal = [_unescape(m.group(1) or "") for m in _GOAL_RE.finditer(raw)]
        targets = (
            [_unescape(m.group(1) or "") for m in _QUERY_RE.finditer(raw)],
            [_unescape(m.group(1) or "") for m in _URL_RE.finditer(raw)],
            goal[0] if goal else None,
        )
        reason = "call is not valid JSON (%s)" % _js_error(err)
        return (_unescape(name.group(1) or "") if name else "", raw, None, targets, reason)
    if not isinstance(parsed, dict) or not isinstance(parsed.get("name"), str):
        return ("", raw, None, call_targets(None), 'call JSON has no string "name"')
    args = _first_present(parsed, ("arguments", "parameters"))
    if args is None:
        args = {}
    if isinstance(args, str):
        arg_text = args
        try:
            args = json_parse(args)
        except ValueError:
            args = None
    else:
        arg_text = (args,)  # JSON.stringify(args), made by call_arguments when needed
    obj = args if isinstance(args, dict) else None
    reason = None if obj is not None else 'call "arguments" is not a JSON object'
    return (parsed["name"], arg_text, obj, call_targets(obj), reason)


def add_tagged_response(r, c, block):
    text = block[1:] if block.startswith("\n") else block
    if text.startswith("{"):
        nl = text.find("\n")
        first = text if nl == -1 else text[:nl]
        if '"name"' in first:
            ok = _json_ok_memo.get(first)
            if ok is None and first in _call_memo:
                # Fathom echoes the call exactly: it parsed unless it was read as invalid JSON
                reason = _call_memo[first][4]
                ok = reason is None or not reason.startswith("call is not valid JSON")
            if ok is None:
                try:
                    json_parse(first)
                    ok = True
                except ValueError:
                    ok = False
                _json_ok_memo.put(first, ok)
            if ok:
                text = "" if nl == -1 else text[nl + 1 :]
    text = _executor_result(text)
    if text.endswith("\n"):
        text = text[:-1]
    _attach(r, c, text)


_SPACES = re.compile(S + "*")
_ROLE_HEAD = re.compile(S + r"*assistant[ \t]*\n")


def _strip_role_tail(head):
    """head.replace(/\n[ \t]*(user|tool)[ \t]*\n?\s*$/, "\n") without scanning the whole head: the match
    can only start at the newline before a last word `user` or `tool` that only whitespace follows."""
    t = head.rstrip(_JS_WS)
    if not (t.endswith("user") or t.endswith("tool")):
        return head
    k = len(t) - 4
    while k > 0 and head[k - 1] in " \t":
        k -= 1
    if k > 0 and head[k - 1] == "\n":
        return head[: k - 1] + "\n"
    return head


def stripped_turns(text, tag="tool_response"):
    turns = []
    op, cl = "<%s>" % tag, "</%s>" % tag
    pos = 0
    while True:
        r = text.find(op, pos)
        head = text[pos : len(text) if r == -1 else r]
        m = _ROLE_HEAD.match(head)
        head = _strip_role_tail(head[m.end() :] if m else head)
        turns.append(("assistant", head))
        if r == -1:
            break
        end = r
        while True:
            e = text.find(cl, end)
            if e == -1:
                end = len(text)
                break
            end = e + len(cl)
            k = _SPACES.match(text, end).end()
            if not text.startswith(op, k):
                break
            end = k
        turns.append(("tool", text[r:end]))
        pos = end
    return turns


def _empty_prefix(text):
    t = js_trim(text)
    return t == "" or t == "<think>"


def read_tagged_turns(r, turns, last_turn_closed=True, tag="tool_response", cut_keeps_complete_calls=False):
    """Port of readTaggedTurns (lib/formats/tagged-dialogue.ts): calls, responses, answer, truncated."""
    op, cl = "<%s>" % tag, "</%s>" % tag
    pending = []
    last_assistant = -1
    for i, (role, _) in enumerate(turns):
        if role == "assistant":
            last_assistant = i
    stopped = None
    ends_on_responses = False
    for i, (role, content) in enumerate(turns):
        last = i == last_assistant
        if role == "assistant":
            if last and r.steps and i == len(turns) - 1 and _empty_prefix(content):
                stopped = "turn cap"
                continue
            r.step(content)
            blocks, opens, closes = blocks_of(content, "<tool_call>", "</tool_call>")
            pending = []
            answer = None
            if last:
                answer = last_boxed(content)
                if answer is None:
                    answer = last_answer_tag(content)
            if opens != closes:
                if answer is not None:
                    r.final_answer = answer
                    continue
                cut = opens > closes
                keep = last and cut and cut_keeps_complete_calls
                if last and cut:
                    stopped = "cut inside a <tool_call>"
                if keep:
                    for blk in blocks:
                        pending.append(add_tagged_call(r, blk))
                continue
            for blk in blocks:
                pending.append(add_tagged_call(r, blk))
            if last and not pending:
                r.final_answer = answer
                if answer is None and "<think>" in content and "</think>" not in content:
                    stopped = "cut inside <think>"
            continue
        if not r.steps or content.find(op) == -1:
            continue
        if i > last_assistant:
            ends_on_responses = True
        blocks, opens, closes = blocks_of(content, op, cl)
        n = min(len(blocks), len(pending))
        for k in range(n):
            add_tagged_response(r, pending[k], blocks[k])
        if opens > closes and len(pending) > n:
            # cut inside a response: the partial text stays on its call
            frm = content.rfind(op) + len(op)
            add_tagged_response(r, pending[n], content[frm:])
            stopped = "cut inside a tool response"
        pending = []
    if r.final_answer is not None or not r.steps:
        return
    if stopped is None and ends_on_responses:
        stopped = "ends on tool responses"
    if stopped is None and last_turn_closed is False:
        stopped = "no end marker"
    if stopped is None and r.steps[-1]["calls"] > 0:
        last_calls = r.calls[len(r.calls) - r.steps[-1]["calls"] :]
        if any(c["response"] is None for c in last_calls):
            stopped = "ends with tool calls and no final answer"
    if stopped is not None:
        r.truncated = True


SEARCH_R1_MARKERS = ("<search>", "</search>", (("<information>", "</information>"), ("<result>", "</result>")))
R1_MARKERS = ("<|begin_of_query|>", "<|end_of_query|>", (("<|begin_of_documents|>", "<|end_of_documents|>"),))
_EDGE_NEWLINES = re.compile(r"^\n+|\n+\Z")


def _next_docs(text, frm, limit, docs):
    best = None
    for op, cl in docs:
        s = text.find(op, frm)
        if s == -1 or s >= limit or (best is not None and s >= best[0]):
            continue
        e = text.find(cl, s + len(op))
        if e == -1:
            best = (s, text[s + len(op) : limit], limit)
        else:
            best = (s, text[s + len(op) : e], e + len(cl))
    return best


def read_inline_search(r, text, markers):
    q_open, q_close, docs = markers
    cursor = 0
    while True:
        qs = text.find(q_open, cursor)
        if qs == -1:
            break
        qe = text.find(q_close, qs + len(q_open))
        if qe == -1:
            r.step(text[cursor:])
            r.truncated = True
            return
        r.step(text[cursor : qe + len(q_close)])
        q = js_trim(text[qs + len(q_open) : qe])
        c = r.call("search", ({"query": q},), {"query": q}, ([q] if q else [], [], None), None if q else "empty query")
        cursor = qe + len(q_close)
        next_q = text.find(q_open, cursor)
        limit = len(text) if next_q == -1 else next_q
        d = _next_docs(text, cursor, limit, docs)
        if d is not None:
            body = _EDGE_NEWLINES.sub("", d[1])
            r.respond(c, body, tool_failure(body) if r.detail else None)
            cursor = d[2]
    rest = text[cursor:]
    if js_trim(rest) or not r.steps:
        r.step(rest)
    r.final_answer = last_answer_tag(text)
    if r.final_answer is None:
        r.final_answer = last_boxed(text)


def read_solution(text, roles=None, detail=False):
    """Read one verl solution_str (the dump's `output`) the way sounding's verl reader does."""
    r = Rollout(roles if roles is not None else TOOL_ROLES, detail)
    if "<tool_call>" in text:
        tag = "result" if "<tool_response>" not in text and "<result>" in text else "tool_response"
        read_tagged_turns(r, stripped_turns(text, tag), True, tag, True)
    elif SEARCH_R1_MARKERS[0] in text:
        read_inline_search(r, text, SEARCH_R1_MARKERS)
    elif R1_MARKERS[0] in text:
        read_inline_search(r, text, R1_MARKERS)
    else:
        read_tagged_turns(r, stripped_turns(text), True, "tool_response", True)
    return r.close()


_FORMAT_REASON = re.compile(r"JSON|name|arguments")


def format_valid(r):
    """R_format (port of lib/metrics/format-validity.ts)."""
    if r.truncated or r.final_answer is None:
        return False
    if not r.steps or "\\boxed{" not in r.steps[-1]["text"]:
        return False
    for c in r.calls:
        reason = c["error_reason"]
        if not c["parsed"] and c["role"] != "other" and reason is not None and _FORMAT_REASON.search(reason):
            return False
    for s in r.steps:
        op, cl = s["text"].count("<think>"), s["text"].count("</think>")
        if cl > op + 1 or op > cl:
            return False
    return True


_PROMPT_QUESTION = re.compile(r"(?:^|\n)user[ \t]*\n([\s\S]*?)\n?[ \t]*assistant[ \t]*\n?" + S + r"*\Z")


def prompt_question(text):
    """The question of a special-token-stripped ChatML prompt: its last user turn (verl.ts promptQuestion)."""
    m = _PROMPT_QUESTION.search(text)
    t = m.group(1) if m else text
    at = t.rfind("User:")
    return js_trim(t if at == -1 else t[at + 5 :])
