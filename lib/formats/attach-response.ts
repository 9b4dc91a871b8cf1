/** Attach a tool's response text to its call: parsed hits for searches, failure detection for all. */
import type { TrajectoryBuilder } from "../trajectory/builder.js";
import type { ToolCall } from "../trajectory/schema.js";
import { parseSearchResults } from "./search-results.js";
import { toolFailure } from "./tool-failure.js";

export function attachResponse(b: TrajectoryBuilder, call: ToolCall, text: string): void {
  b.respond(call, {
    text,
    results: call.role === "search" ? parseSearchResults(text) : [],
    failure: toolFailure(text),
  });
}
