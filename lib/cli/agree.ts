/** `sounding agree <labelsA> <labelsB>`: how far two label sets agree. */
import { basename } from "node:path";
import { z } from "zod";
import {
  agreement,
  KappaBootstrapSchema,
  readLabelSet,
  type Agreement,
  type KappaStats,
  type LabelRow,
  type ReadLabelSet,
} from "../index.js";
import { command } from "./command.js";
import { fileErrorText, LoadFailure } from "./load-options.js";
import { flag, fromField, numOr } from "./options.js";
import { jsonText } from "./output.js";
import { printable } from "./printable.js";
import { UsageError } from "./usage-error.js";

async function open(path: string): Promise<ReadLabelSet> {
  try {
    return await readLabelSet(path);
  } catch (err) {
    throw new UsageError(`${path}: ${fileErrorText(err)}`);
  }
}

/**
 * Which labeller and version made a label set's rows ("heuristic 1.0.0", "hand 1", several joined
 * by ", " when the set mixes them): label sets made with older rules stay readable and say so.
 */
export function madeBy(rows: readonly LabelRow[]): string {
  const seen = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.labeller} ${r.version}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen.keys()].sort().join(", ") || "no rows";
}

export function formatAgreement(
  a: string,
  b: string,
  g: Agreement,
  show: number,
  by: { a: string; b: string } | null = null,
): string {
  const k = (s?: KappaStats) =>
    s
      ? `κ ${s.kappa.toFixed(3)}${s.lo !== undefined ? ` [${s.lo.toFixed(3)}, ${s.hi!.toFixed(3)}]` : ""}, ` +
        `agreement ${(s.accuracy * 100).toFixed(1)}% of ${s.n}`
      : "—";
  const boot = g.bootstrap;
  const lines = [
    `A: ${a}${by ? ` (made by ${by.a})` : ""}`,
    `B: ${b}${by ? ` (made by ${by.b})` : ""}`,
    `calls in both: ${g.matched} (only in A: ${g.onlyA}, only in B: ${g.onlyB}${g.roleMismatches ? `, role mismatches: ${g.roleMismatches}` : ""})`,
    `overall: ${k(g.overall)}`,
  ];
  for (const [role, s] of Object.entries(g.byRole)) lines.push(`${role.padEnd(7)}: ${k(s)}`);
  if (boot.samples)
    lines.push(
      `(κ intervals: ${Math.round(boot.level * 100)}% bootstrap over trajectories, ${boot.samples} resamples, seed ${boot.seed})`,
    );
  const w = Math.max(...g.labels.map((l) => l.length), 6);
  lines.push(
    "",
    `confusion (rows A, columns B):`,
    `${"".padEnd(w)}  ${g.labels.map((l) => l.slice(0, 8).padStart(8)).join(" ")}`,
  );
  g.labels.forEach((l, i) => lines.push(`${l.padEnd(w)}  ${g.matrix[i]!.map((n) => String(n).padStart(8)).join(" ")}`));
  if (g.disagreements.length) {
    lines.push(
      "",
      `disagreements (${g.disagreements.length}${g.disagreements.length > show ? `, first ${show}` : ""}):`,
    );
    for (const d of g.disagreements.slice(0, show)) {
      lines.push(
        `  ${d.source.file}:${d.source.line} ${d.trajectoryId} call ${d.callIndex} (${d.tool}): A ${d.a}, B ${d.b}`,
      );
      if (d.evidenceA) lines.push(`      A: ${d.evidenceA.slice(0, 160)}`);
      if (d.evidenceB) lines.push(`      B: ${d.evidenceB.slice(0, 160)}`);
    }
  }
  return lines.join("\n");
}

/** The first few distinct trajectory ids of a label set, for a message. */
function firstIds(rows: readonly LabelRow[], n = 3): string {
  const ids = [...new Set(rows.map((r) => r.trajectoryId))];
  if (!ids.length) return "(no rows)";
  return (
    ids
      .slice(0, n)
      .map((id) => JSON.stringify(id.slice(0, 60)))
      .join(", ") + (ids.length > n ? ", …" : "")
  );
}

/**
 * Two label sets with no call in common: the join key and the first ids on each side. The key is
 * trajectoryId + callIndex, with the file's base name in front when an id occurs in more than one
 * file (lib/labels/agreement.ts), so one question in two differently named files never joins.
 */
export function noSharedCalls(pa: string, a: readonly LabelRow[], pb: string, b: readonly LabelRow[]): string {
  const files = new Map<string, Set<string>>();
  for (const r of [...a, ...b])
    (files.get(r.trajectoryId) ?? files.set(r.trajectoryId, new Set()).get(r.trajectoryId)!).add(
      basename(r.source.file),
    );
  const idsB = new Set(b.map((r) => r.trajectoryId));
  const shared = a.find((r) => idsB.has(r.trajectoryId) && (files.get(r.trajectoryId)?.size ?? 0) > 1);
  const key = shared
    ? `file name + trajectoryId + callIndex (ids such as ${JSON.stringify(shared.trajectoryId.slice(0, 60))} ` +
      `occur in ${[...files.get(shared.trajectoryId)!].slice(0, 2).join(" and ")})`
    : "trajectoryId + callIndex";
  return printable(
    `no call is labelled in both ${pa} (${a.length} rows) and ${pb} (${b.length} rows): calls are joined on ` +
      `${key}; A has ${firstIds(a)}, B has ${firstIds(b)} (label the same trace files in both)`,
  );
}

export const agreeCommand = command({
  name: "agree",
  summary: "agreement between two label sets (Cohen's κ, confusion, disagreements)",
  synopsis: "<labelsA> <labelsB>",
  positionals: { min: 2, max: 2, what: "two label sets" },
  about: `Compare two label sets (a label-set directory, a labels .jsonl file, or a directory of
*.labels.jsonl): which labeller and version made each, calls labelled by both, Cohen's κ
overall and per role, the confusion matrix (rows A, columns B) and the calls they disagree
on. Between two versions of the deterministic labeller, the disagreements are what changed.
Every κ comes with a 95% bootstrap interval: trajectories resampled with replacement
(--bootstrap N times, seeded by --seed; 0 for none).`,
  epilog: "Exit status: 0 compared, 1 a label set unreadable or no call labelled in both, 2 usage error.",
  options: z.object({
    json: flag("print the whole comparison as one JSON object"),
    show: numOr("N", "disagreements to list (all with --json)", 20, { int: true, min: 0 }),
    bootstrap: fromField(KappaBootstrapSchema.shape.samples, "N", "number"),
    seed: fromField(KappaBootstrapSchema.shape.seed, "N", "number"),
  }),
  async run({ values, positionals }, out) {
    const v = values;
    const [pa, pb] = [positionals[0]!, positionals[1]!];
    const [a, b] = [await open(pa), await open(pb)];
    for (const s of [a, b])
      for (const i of s.issues.slice(0, 5))
        process.stderr.write(`sounding: ${i.file}:${i.line}: ${i.reason} (row skipped)\n`);
    const bootstrap = {
      ...(v.bootstrap !== undefined ? { samples: v.bootstrap } : {}),
      ...(v.seed !== undefined ? { seed: v.seed } : {}),
    };
    const g = agreement(a.rows, b.rows, { bootstrap });
    if (g.matched === 0) throw new LoadFailure(noSharedCalls(pa, a.rows, pb, b.rows));
    const by = { a: madeBy(a.rows), b: madeBy(b.rows) };
    const json = { a: pa, b: pb, madeByA: by.a, madeByB: by.b, badRows: a.issues.length + b.issues.length, ...g };
    out(values.json ? jsonText(json) : formatAgreement(pa, pb, g, values.show, by));
    return 0;
  },
});
