/**
 * The one labeller interface. A labeller gives every tool call of a trajectory a behaviour
 * label from the paper's taxonomy (by tool role; `answer`/`other` calls get null), a
 * numeric marginal utility and the evidence for the decision. It sees one trajectory at a
 * time: labels are judged against earlier calls of the same rollout only (domain.md §3).
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../io/canonical-json.js";
import type { BehaviourLabel, ItemLabel, Trajectory } from "../trajectory/schema.js";

export interface CallLabel {
  callIndex: number;
  label: BehaviourLabel | null;
  utility: number | null;
  evidence: string;
  items?: ItemLabel[];
  /** Page calls: the claim (0, 1, … in order of first pursuit) the call's goal pursued. */
  claim?: number;
  /**
   * Page calls: true when the call was a new-URL check of an already pursued claim (VERIFICATION, or
   * REDUNDANTQUERY beyond B_v); lets reward replay re-apply another B_v.
   */
  check?: boolean;
}

export interface LabellerInfo {
  /** e.g. "heuristic", "llm". */
  name: string;
  /** Version of the rules or prompt; changes whenever labels could change. */
  version: string;
  /** Every option that affects labels (never secrets). */
  config: Record<string, unknown>;
  /** First 16 hex digits of SHA-256 over the canonical JSON of `config`. */
  configHash: string;
}

export interface Labeller {
  readonly info: LabellerInfo;
  /** Labels for every call of `t`, in call order. May be async (LLM labellers). */
  label(t: Trajectory, signal?: AbortSignal): CallLabel[] | Promise<CallLabel[]>;
}

/** A trajectory a labeller could not label; `message` is the user-facing reason. */
export class LabelError extends Error {
  override readonly name = "LabelError";
}

export function configHash(config: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 16);
}

export function labellerInfo(name: string, version: string, config: Record<string, unknown>): LabellerInfo {
  return { name, version, config, configHash: configHash(config) };
}
