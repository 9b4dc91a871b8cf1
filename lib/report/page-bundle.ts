/**
 * The report page's script: lib/report/page/main (and the library code it imports: the reward
 * kernel, replay and sweep, GRPO, the guardrails, the notebook's views and escaping) bundled into
 * one browser script by rolldown, so the page runs the library's own code, not a copy. Built once
 * per process from the compiled files beside this module (dist/…/*.js, or lib/…/*.ts under a TS
 * runner).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

let cached: Promise<string> | null = null;

function entry(): string {
  for (const ext of [".js", ".ts"]) {
    const p = fileURLToPath(new URL(`./page/main${ext}`, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error(`sounding: the report page's script is missing beside ${fileURLToPath(import.meta.url)}`);
}

async function build(): Promise<string> {
  const bundle = await rolldown({
    input: entry(),
    platform: "browser",
    logLevel: "silent",
    resolve: { extensionAlias: { ".js": [".ts", ".js"] } },
  });
  try {
    const { output } = await bundle.generate({ format: "iife", minify: true, comments: false });
    const code = output[0]!.code;
    if (/<\/script/i.test(code)) throw new Error("sounding: the report script holds </script>");
    return code;
  } finally {
    await bundle.close();
  }
}

/** The page script (built on first use, then reused). */
export function pageScript(): Promise<string> {
  cached ??= build().catch((err: unknown) => {
    cached = null;
    throw err;
  });
  return cached;
}
