/**
 * The load report of a corpus: what loading its source files reported (per file: format,
 * trajectories, tool calls by role, verdicts, answers, truncations, bad records and warnings with
 * their lines), as `convert` recorded it in the manifest, so `sounding inspect CORPUS_DIR` prints
 * what `sounding inspect` printed on the files. Files that could not be read are not part of a
 * corpus, so they are not listed. A source recorded by an older sounding (no report in its entry)
 * gets its counts from the tables and its bad-record counts from the entry, without the list of
 * issues (re-convert the file for them).
 */
import type { FileReport, LoadIssue, LoadReport } from "../formats/load.js";
import type { FormatName } from "../trajectory/schema.js";
import { lit } from "./duckdb.js";
import type { Corpus } from "./corpus.js";

export async function corpusLoadReport(corpus: Corpus): Promise<LoadReport> {
  const files: FileReport[] = [];
  const issues: LoadIssue[] = [];
  for (const s of corpus.manifest.sources) {
    if (s.report) {
      const f = s.report.file;
      files.push({
        ...f,
        format: f.format as FormatName | null,
        byRole: { ...f.byRole },
        verdicts: { ...f.verdicts },
      });
      issues.push(...s.report.issues);
      continue;
    }
    const file = lit(s.path);
    const n = async (sql: string) => Number((await corpus.sql(sql))[0]?.n ?? 0);
    const role = (r: string) => n(`SELECT COUNT(*) AS n FROM calls WHERE file = ${file} AND role = ${lit(r)}`);
    const verdict = (v: string) =>
      n(`SELECT COUNT(*) AS n FROM trajectories WHERE file = ${file} AND verdict = ${lit(v)}`);
    files.push({
      path: s.path,
      format: s.format as FormatName | null,
      trajectories: s.trajectories,
      toolCalls: s.calls,
      byRole: {
        search: await role("search"),
        page: await role("page"),
        answer: await role("answer"),
        other: await role("other"),
      },
      verdicts: {
        correct: await verdict("correct"),
        incorrect: await verdict("incorrect"),
        unknown: await verdict("unknown"),
      },
      withAnswer: await n(`SELECT COUNT(*) AS n FROM trajectories WHERE file = ${file} AND final_answer IS NOT NULL`),
      truncated: await n(`SELECT COUNT(*) AS n FROM trajectories WHERE file = ${file} AND truncated`),
      errors: s.errors,
      warnings: s.warnings,
      unreadable: false,
      unparsedSearch: 0,
    });
  }
  return {
    files,
    issues,
    trajectories: files.reduce((k, f) => k + f.trajectories, 0),
    toolCalls: files.reduce((k, f) => k + f.toolCalls, 0),
    duplicateIds: 0,
  };
}
