/**
 * ReAct text (FireAct, LangChain agents): turns of `Thought: …`, `Action: search[q]` /
 * `lookup[kw]` / `finish[answer]` and `Observation: …`, optionally numbered (`Action 2:`).
 * LangChain's `Action: tool` + `Action Input: arg` form is read too. `finish[…]` is the final
 * answer, not a tool call.
 */
import { TrajectoryBuilder } from "../trajectory/builder.js";
import type { Trajectory } from "../trajectory/schema.js";
import { attachResponse } from "./attach-response.js";
import { RecordError, type FormatReader, type ReadContext } from "./format-reader.js";
import { asRecord, extraFields, goldList, isObject, pickNumber, pickString, verdictOf } from "./record-fields.js";
import { firstGold, questionOf, rolloutText, GOLD_KEYS, QUESTION_KEYS, TEXT_KEYS } from "./text-rollout.js";

const KNOWN = new Set([...TEXT_KEYS, ...QUESTION_KEYS, ...GOLD_KEYS, "id", "model", "dataset", "correct", "reward", "em"]);
const LABEL = /^[ \t]*(Thought|Action Input|Action|Observation|Final Answer)(?:[ \t]+\d+)?[ \t]*:[ \t]?/gm;
const BRACKET = /^\s*([A-Za-z_][\w\-]*)\s*\[([\s\S]*)\]\s*$/;

interface Part {
  label: string;
  body: string;
}

function parts(text: string): Part[] {
  const out: Part[] = [];
  const ms = [...text.matchAll(LABEL)];
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i]!;
    const s = (m.index ?? 0) + m[0].length;
    const e = i + 1 < ms.length ? (ms[i + 1]!.index ?? text.length) : text.length;
    out.push({ label: m[1]!, body: text.slice(s, e).replace(/\s+$/, "") });
  }
  return out;
}

export const reactReader: FormatReader = {
  name: "react",
  description: "ReAct text: Thought / Action: search[q] / Observation turns (FireAct, LangChain)",

  detect(value) {
    if (!isObject(value)) return 0;
    const t = rolloutText(value);
    if (!t) return 0;
    const hasAction = /^[ \t]*Action(?:[ \t]+\d+)?[ \t]*:/m.test(t.text);
    const hasObs = /^[ \t]*Observation(?:[ \t]+\d+)?[ \t]*:/m.test(t.text);
    return hasAction && hasObs ? 0.85 : hasAction ? 0.5 : 0;
  },

  read(value: unknown, ctx: ReadContext): Trajectory {
    const o = asRecord(value);
    const t = rolloutText(o);
    if (!t) throw new RecordError(`no rollout text field (looked for ${TEXT_KEYS.join(", ")})`);
    const b = new TrajectoryBuilder({ format: "react", file: ctx.file, line: ctx.line }, ctx.roles);
    b.recordId = pickString(o, "id");
    b.model = pickString(o, "model", "agent");
    b.dataset = pickString(o, "dataset");
    b.question = questionOf(o);
    b.goldAnswers = goldList(firstGold(o));
    b.score = pickNumber(o, "reward", "score");
    b.verdict = verdictOf(o.correct ?? o.em ?? o.judge);
    b.extra = extraFields(o, KNOWN);

    const ps = parts(t.text);
    if (ps.length === 0) b.anomalies.push("no Thought/Action/Observation labels found");
    let thought = "";
    let lastCall: ReturnType<TrajectoryBuilder["call"]> | null = null;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i]!;
      if (p.label === "Thought") thought = p.body;
      else if (p.label === "Action") {
        let name: string;
        let arg: string;
        const m = BRACKET.exec(p.body);
        if (m) {
          name = m[1]!;
          arg = m[2]!.trim();
        } else {
          name = p.body.trim();
          const next = ps[i + 1];
          arg = next && next.label === "Action Input" ? next.body.trim() : "";
          if (next && next.label === "Action Input") i++;
        }
        b.step(`${thought ? `Thought: ${thought}\n` : ""}Action: ${p.body}`, thought);
        thought = "";
        if (name.toLowerCase() === "finish") {
          b.finalAnswer = arg;
          lastCall = null;
          continue;
        }
        const role = ctx.roles.roleOf(name);
        const args = role === "page" ? (/^https?:\/\//.test(arg) ? { url: arg } : { keyword: arg }) : { query: arg };
        lastCall = b.call({
          name,
          arguments: arg,
          parsedArguments: args,
          targets: role === "search" ? { queries: arg ? [arg] : [] } : undefined,
          malformed: m || name ? null : "action without a tool name",
        });
      } else if (p.label === "Observation") {
        if (!lastCall) continue;
        attachResponse(b, lastCall, p.body);
        lastCall = null;
      } else if (p.label === "Final Answer") {
        b.step(p.body);
        b.finalAnswer = p.body.trim();
      }
    }
    if (b.finalAnswer === null) {
      b.truncated = true;
      if (thought) b.step(`Thought: ${thought}`, thought);
    }
    return b.build();
  },
};
