// Print "N passed, N failed" from vitest's JSON report; exit with the test run's status.
// A run that never produced a report (setup or type-check failed) counts as one failure.
import { readFileSync } from "node:fs";
const [file, statusArg] = process.argv.slice(2);
const status = Number(statusArg ?? 1);
let passed = 0,
  failed = 0,
  skipped = 0;
try {
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + ((r.numFailedTestSuites ?? 0) ? 0 : 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // a suite that failed to load has no failed tests but must still fail the run
  if (failed === 0 && (r.numFailedTestSuites ?? 0) > 0) failed = r.numFailedTestSuites;
} catch {
  failed = 1;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(status !== 0 ? status : failed > 0 ? 1 : 0);
