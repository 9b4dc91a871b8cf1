/**
 * TrajectoryBuilder: the one way readers assemble a canonical `Trajectory`, so that call
 * indices, step links, roles and error flags are filled the same way for every format.
 */
import type { FormatName, SearchResult, Step, ToolCall, Trajectory, Verdict } from "./schema.js";
import type { ToolRoles } from "./tool-roles.js";
import { callTargets, type CallTargets } from "./call-arguments.js";

/** What a reader knows about one call when it sees it. */
export interface CallInput {
  name: string;
  /** Raw argument text as written by the model. */
  arguments: string;
  /** Parsed arguments (null when the text is not a JSON object). */
  parsedArguments: Record<string, unknown> | null;
  /** Override the targets derived from parsedArguments (text formats set queries directly). */
  targets?: Partial<CallTargets>;
  /** A reason the call itself is malformed (bad JSON, missing name), if any. */
  malformed?: string | null;
}

/** Response data attached to a call once it is known. */
export interface ResponseInput {
  text: string;
  results?: SearchResult[];
  /** A failure the tool reported (timeout, fetch failure), if any. */
  failure?: string | null;
}

export interface TrajectoryHeader {
  format: FormatName;
  file: string;
  line: number;
}

export class TrajectoryBuilder {
  readonly steps: Step[] = [];
  readonly calls: ToolCall[] = [];
  readonly anomalies: string[] = [];
  question = "";
  finalAnswer: string | null = null;
  goldAnswers: string[] = [];
  verdict: Verdict = "unknown";
  score: number | null = null;
  truncated = false;
  model: string | null = null;
  dataset: string | null = null;
  trainingStep: number | null = null;
  groupId: string | null = null;
  recordId: string | null = null;
  extra: Record<string, unknown> = {};

  constructor(
    readonly header: TrajectoryHeader,
    readonly roles: ToolRoles,
  ) {}

  /** Open a new model step and return its index. */
  step(text: string, reasoning = ""): number {
    const index = this.steps.length;
    this.steps.push({ index, text, reasoning, calls: [] });
    return index;
  }

  /** The current (last) step, opening an empty one if none exists. */
  currentStep(): Step {
    if (this.steps.length === 0) this.step("");
    return this.steps[this.steps.length - 1]!;
  }

  /** Record a call issued by the current step; returns the call. */
  call(input: CallInput): ToolCall {
    const st = this.currentStep();
    const derived = callTargets(input.parsedArguments);
    const t = { ...derived, ...input.targets };
    const index = this.calls.length;
    const call: ToolCall = {
      index,
      step: st.index,
      name: input.name,
      role: this.roles.roleOfCall(input.name, input.parsedArguments),
      queries: t.queries ?? [],
      urls: t.urls ?? [],
      goal: t.goal ?? null,
      arguments: input.arguments,
      parsedArguments: input.parsedArguments,
      response: null,
      results: [],
      error: input.malformed != null,
      errorReason: input.malformed ?? null,
    };
    this.calls.push(call);
    st.calls.push(index);
    if (input.malformed)
      this.anomalies.push(`call ${index}${input.name ? ` (${input.name})` : ""}: ${input.malformed}`);
    return call;
  }

  /** Attach a response to a call. */
  respond(call: ToolCall, r: ResponseInput): void {
    call.response = r.text;
    call.results = r.results ?? [];
    if (r.failure && !call.error) {
      call.error = true;
      call.errorReason = r.failure;
    }
  }

  /** Mark calls that never got a response as errors. */
  private closeUnanswered(): void {
    for (const c of this.calls) {
      if (c.response === null && !c.error) {
        c.error = true;
        c.errorReason = "no response recorded";
      }
    }
  }

  build(id = ""): Trajectory {
    this.closeUnanswered();
    return {
      id,
      question: this.question,
      steps: this.steps,
      calls: this.calls,
      finalAnswer: this.finalAnswer,
      goldAnswers: this.goldAnswers,
      verdict: this.verdict,
      score: this.score,
      truncated: this.truncated,
      anomalies: this.anomalies,
      provenance: {
        source: { file: this.header.file, line: this.header.line },
        format: this.header.format,
        model: this.model,
        dataset: this.dataset,
        trainingStep: this.trainingStep,
        groupId: this.groupId,
        recordId: this.recordId,
      },
      extra: this.extra,
    };
  }
}
