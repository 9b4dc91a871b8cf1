/**
 * docs/api.md documents the public API: every function and class exported by lib/index.ts has an entry there
 * (a `### \`name\`` heading) with a description and an `@example` (a ```ts block), in the order of the index.
 * The examples live in docs/api.md, not in JSDoc: one place to read, and this test to keep it complete. Each
 * example is type-checked against lib/index.ts with the inputs the preamble of docs/api.md names declared.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "../lib/index.js";
import { ROOT } from "./helpers.js";

const INDEX = readFileSync(join(ROOT, "lib", "index.ts"), "utf8");
const DOCS = readFileSync(join(ROOT, "docs", "api.md"), "utf8");

/** The names `export { … } from` statements make public (not `export type`), in index order. */
function valueExports(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/^export \{([^}]*)\} from "[^"]+";/gms)) {
    for (const spec of m[1]!.split(",")) {
      const parts = spec.trim().split(/\s+as\s+/);
      const name = parts[parts.length - 1];
      if (name) names.push(name);
    }
  }
  return names;
}

interface Entry {
  name: string;
  section: string;
  body: string;
}

/** The `### \`name\`` entries of docs/api.md with the `##` section each sits in. */
function docEntries(markdown: string): Entry[] {
  const entries: Entry[] = [];
  let section = "";
  let current: Entry | null = null;
  for (const line of markdown.split("\n")) {
    const h2 = /^## (.+)$/.exec(line);
    const h3 = /^### `([A-Za-z0-9_$]+)`\s*$/.exec(line);
    if (h2) section = h2[1]!;
    if (h2 || h3) current = null;
    if (h3) {
      current = { name: h3[1]!, section, body: "" };
      entries.push(current);
    } else if (current) current.body += line + "\n";
  }
  return entries;
}

function examples(body: string): string[] {
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const exported = valueExports(INDEX);
const lib: Record<string, unknown> = api;
const functions = exported.filter((n) => typeof lib[n] === "function");
const entries = docEntries(DOCS);
const documented = entries.map((e) => e.name);

describe("docs/api.md covers the public API", () => {
  it("reads the index and the docs (the parsers find what is there)", () => {
    expect(exported.length).toBe(new Set(exported).size);
    expect(exported.every((n) => n in lib)).toBe(true);
    expect(functions.length).toBeGreaterThan(100);
    expect(entries.length).toBeGreaterThan(100);
  });

  it("has an entry for every function and class exported by lib/index.ts", () => {
    const missing = functions.filter((n) => !documented.includes(n));
    expect(missing, `no "### \`name\`" entry in docs/api.md for: ${missing.join(", ")}`).toEqual([]);
  });

  it("gives every entry a description and an @example in TypeScript", () => {
    const bare = entries.filter((e) => examples(e.body).length === 0).map((e) => e.name);
    expect(bare, `entries without a \`\`\`ts example: ${bare.join(", ")}`).toEqual([]);
    const undescribed = entries.filter((e) => e.body.split("```ts")[0]!.trim() === "").map((e) => e.name);
    expect(undescribed, `entries without a description: ${undescribed.join(", ")}`).toEqual([]);
  });

  it("has examples that parse as TypeScript", () => {
    const broken: string[] = [];
    for (const e of entries)
      for (const code of examples(e.body)) {
        const out = ts.transpileModule(`async function example() {\n${code}\n}`, {
          reportDiagnostics: true,
          compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
        });
        if (out.diagnostics?.length)
          broken.push(`${e.name}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0]!.messageText, " ")}`);
      }
    expect(broken).toEqual([]);
  });

  it("has examples that type-check against the real API (inputs declared as the preamble of docs/api.md says)", () => {
    const types = [...INDEX.matchAll(/^export type \{([^}]*)\} from "[^"]+";/gms)].flatMap((m) =>
      m[1]!
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    );
    const file = join(ROOT, "tests", "api-docs.examples.ts");
    const source = [
      `import { ${exported.join(", ")} } from "../lib/index.js";`,
      `import type { ${types.join(", ")} } from "../lib/index.js";`,
      "declare const trajectories: Trajectory[], report: LoadReport, t: Trajectory;",
      "declare const labels: LabelRow[], corpus: Corpus;",
      ...entries.flatMap((e, i) =>
        examples(e.body).map((code, j) => `export async function ex${i}_${j}() {\n${code}}`),
      ),
    ].join("\n");
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    );
    const options = { ...parsed!.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (f) => f === file || fileExists(f);
    host.readFile = (f) => (f === file ? source : readFile(f));
    host.getSourceFile = (f, v, ...rest) =>
      f === file ? ts.createSourceFile(f, source, v) : getSourceFile(f, v, ...rest);
    const program = ts.createProgram([file, ...parsed!.fileNames.filter((f) => f.endsWith(".d.ts"))], options, host);
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => {
        const line = d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line;
        const fn = source
          .split("\n")
          .slice(0, line + 1)
          .reverse()
          .find((l) => l.startsWith("export async function"));
        const entry = entries[Number(/ex(\d+)_/.exec(fn ?? "")?.[1])]?.name ?? "?";
        return `${entry}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
      });
    expect(errors).toEqual([]);
  }, 120_000);

  it("documents only functions and classes the index exports, each once", () => {
    const stale = documented.filter((n) => !functions.includes(n));
    expect(
      stale,
      `docs/api.md entries for names lib/index.ts does not export as functions: ${stale.join(", ")}`,
    ).toEqual([]);
    expect(documented.length).toBe(new Set(documented).size);
  });

  it("lists the entries in the order of lib/index.ts (data-flow order)", () => {
    expect(documented).toEqual(functions.filter((n) => documented.includes(n)));
  });

  it("keeps each deprecated alias as the same function as its new name, documented as deprecated", () => {
    const deprecated = docEntries(DOCS).filter((e) => e.section.startsWith("Deprecated"));
    expect(deprecated.map((e) => e.name)).toContain("callRowsOf");
    for (const e of deprecated) {
      const renamed = /alias of `([A-Za-z0-9_$]+)`/.exec(e.body)?.[1];
      expect(renamed, `${e.name}: say "alias of \`newName\`"`).toBeDefined();
      expect(lib[e.name]).toBe(lib[renamed!]);
      const lines = INDEX.split("\n");
      const at = lines.findIndex((l) => new RegExp(`^export \\{ ${e.name} \\} from`).test(l));
      expect(at, `lib/index.ts: export { ${e.name} } on a line of its own`).toBeGreaterThan(0);
      expect(lines[at - 1]).toContain("@deprecated");
    }
  });
});
