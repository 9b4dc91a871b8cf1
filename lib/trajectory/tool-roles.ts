/**
 * Tool-role map: which tool names are searches, page reads, final-answer tools or other.
 * Defaults follow domain.md §2.2; users override or extend them with a JSON object
 * `{"tool_name": "search" | "page" | "answer" | "other"}` (CLI `--tool-roles FILE`).
 * Names match case-insensitively; unknown names are `other`.
 */
import { z } from "zod";
import { ToolRoleSchema, type ToolRole } from "./schema.js";

/** The default map (domain.md §2.2). */
export const DEFAULT_TOOL_ROLES: Readonly<Record<string, ToolRole>> = Object.freeze({
  search_urls: "search",
  web_search: "search",
  search: "search",
  google_search: "search",
  wikipedia_search: "search",
  query_url: "page",
  web_visit: "page",
  visit: "page",
  browse: "page",
  open_url: "page",
  lookup: "page",
  submit_final_result: "answer",
  final_answer: "answer",
  finish: "answer",
});

/** Schema of a user's tool-role file. */
export const ToolRoleMapSchema = z.record(z.string().min(1), ToolRoleSchema);
export type ToolRoleMap = Record<string, ToolRole>;

/** A resolved role lookup. */
export interface ToolRoles {
  /** The role of a tool name (`other` when unmapped). */
  roleOf(name: string): ToolRole;
  /** The merged map, lower-cased names. */
  readonly map: Readonly<Record<string, ToolRole>>;
}

/**
 * Build a role lookup: the defaults, overridden and extended by `overrides`.
 * @example
 * const roles = toolRoles({ my_search: "search", browse: "other" });
 * roles.roleOf("MY_SEARCH"); // "search"
 */
export function toolRoles(overrides: ToolRoleMap = {}): ToolRoles {
  const map: Record<string, ToolRole> = {};
  for (const [k, v] of Object.entries(DEFAULT_TOOL_ROLES)) map[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(overrides)) map[k.toLowerCase()] = v;
  Object.freeze(map);
  return {
    map,
    roleOf(name: string): ToolRole {
      return map[name.toLowerCase()] ?? "other";
    },
  };
}

/** Validate a parsed tool-role file; throws a readable message on a bad entry. */
export function parseToolRoleMap(value: unknown, where = "tool-role map"): ToolRoleMap {
  const r = ToolRoleMapSchema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const at = first && first.path.length ? ` at "${first.path.join(".")}"` : "";
  throw new Error(
    `${where}: expected an object of tool name -> "search" | "page" | "answer" | "other"${at}: ${first?.message ?? "invalid"}`,
  );
}
