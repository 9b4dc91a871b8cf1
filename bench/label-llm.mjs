// Benchmark: LLM labelling throughput against a local OpenAI-compatible server (a separate
// process) that answers after a fixed latency. The ideal rate is concurrency / latency
// requests per second; the bar is ≥ 80 % of it. Each trajectory is one request (chunk size
// above its call count) and the cache starts empty.
//
//   node bench/label-llm.mjs [--latency-ms 100] [--concurrency 16] [--trajectories 400]
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    "latency-ms": { type: "string", default: "100" },
    concurrency: { type: "string", default: "16" },
    trajectories: { type: "string", default: "400" },
    serve: { type: "boolean" },
  },
});
const latency = Number(values["latency-ms"]);

if (values.serve) {
  // the server process: answers every call of the request (honest, role-valid labels) after `latency` ms
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const user = body.messages.find((m) => m.role === "user").content;
      const part = user.split("\nCalls to label:\n")[1] ?? "";
      const labels = [...part.matchAll(/^\[(\d+)\] role=(search|page)/gm)].map((m) => ({
        call: Number(m[1]),
        label: m[2] === "search" ? "UNIQUESEARCH" : "EXPLORATION",
        utility: 0.5,
        evidence: "bench",
      }));
      const content = JSON.stringify({ labels });
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "x",
            object: "chat.completion",
            created: 0,
            model: body.model,
            choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
            usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
          }),
        );
      }, latency);
    });
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
} else {
  const { loadTrajectories, LlmLabeller, runLabeller } = await import("../dist/index.js");
  const child = fork(fileURLToPath(import.meta.url), ["--serve", "--latency-ms", String(latency)]);
  const { port } = await new Promise((r) => child.once("message", r));
  const { trajectories: all } = await loadTrajectories([join(here, "..", "traces", "generated")]);
  const n = Number(values.trajectories);
  const trajectories = Array.from({ length: n }, (_, i) => ({
    ...all[i % all.length],
    id: `t${i}`,
    question: `${all[i % all.length].question} #${i}`,
  }));
  const concurrency = Number(values.concurrency);
  const cacheDir = mkdtempSync(join(tmpdir(), "sounding-bench-cache-"));
  const labeller = new LlmLabeller({
    endpoints: [{ baseURL: `http://127.0.0.1:${port}/v1` }],
    model: "bench",
    apiKeyEnv: "SOUNDING_BENCH_NO_KEY",
    cacheDir,
    chunkSize: 64,
  });
  const t0 = performance.now();
  const run = await runLabeller(labeller, trajectories, { concurrency });
  const s = (performance.now() - t0) / 1000;
  child.kill();
  rmSync(cacheDir, { recursive: true, force: true });
  const ideal = concurrency / (latency / 1000);
  const result = {
    trajectories: n,
    calls: run.rows.length,
    failures: run.failures.length,
    requests: labeller.usage.requests,
    latencyMs: latency,
    concurrency,
    seconds: +s.toFixed(2),
    requestsPerSecond: +(labeller.usage.requests / s).toFixed(1),
    idealRequestsPerSecond: ideal,
    ratioToIdeal: +(labeller.usage.requests / s / ideal).toFixed(3),
    node: process.version,
  };
  mkdirSync(join(here, "out"), { recursive: true });
  writeFileSync(join(here, "out", "label-llm.json"), JSON.stringify(result, null, 2) + "\n");
  console.log(
    `${result.requests} requests (${result.calls} calls, ${result.failures} failures) in ${result.seconds} s at concurrency ${concurrency}, latency ${latency} ms`,
  );
  console.log(`${result.requestsPerSecond} req/s vs ideal ${ideal} req/s: ratio ${result.ratioToIdeal}`);
}
