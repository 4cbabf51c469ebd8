/**
 * ONNX benchmark: ONNX Runtime (CPU provider, onnxruntime-node 1.30) against the toolkit's
 * own batched forward pass (`nn` `MLP.forwardInto`, the allocation-free rollout path), and
 * the policy server under a loopback load generator.
 *
 * Policy: observation 8 → actor [64, 64] tanh → 4 logits, critic [64, 64] → 1, exported
 * with `withValue` (ONNX also computes softmax and argmax; the toolkit side runs the two
 * MLPs only). Figures:
 *
 * - latency at batch 1: median and p99 of one call (ONNX: `actRaw`, which skips input
 *   validation, and `act`, which validates and splits rows);
 * - throughput at batch 1024: observations per second;
 * - server: `cli/serve.ts` in a child process on 127.0.0.1; an in-script load generator
 *   keeps C requests (one observation each) in flight for a fixed time, bounded in count,
 *   and reports requests/s, p50 and p99 latency at C = 1, 32 and 200, and the mean rows per
 *   ONNX Runtime call (micro-batching); then the same load at C = 32 while 300 slow clients
 *   (100 idle connections, 100 slowloris dripping one header byte every 200 ms, 100 that
 *   never send their declared body) hold connections; and the server's resident memory
 *   (VmRSS of the child) after start-up, after the load, and after the slow clients.
 *
 * `--quick` shortens every phase (under a minute in all). The last stdout line is JSON.
 * Run: `deno run -A bench/onnx.ts [--quick]`.
 * @module
 */
import { isQuick, loadAverage, markdownTable, updateBenchmarks } from "./report.ts";
import { MLP } from "../nn/mod.ts";
import { Rng } from "../random.ts";
import { exportOnnx } from "../policies/onnx/export.ts";
import { OnnxPolicy } from "../policies/onnx/runtime.ts";
import type { PolicySpec } from "../policies/spec.ts";

const quick = isQuick();

const loadBefore = loadAverage();
const OBS = 8;
const ACTIONS = 4;
const HIDDEN = [64, 64];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const rng = new Rng(0);
const actor = new MLP({ sizes: [OBS, ...HIDDEN, ACTIONS], rng, name: "actor", outputGain: 0.01 });
const critic = new MLP({ sizes: [OBS, ...HIDDEN, 1], rng, name: "critic" });
const spec: PolicySpec = {
  observationSpace: { type: "box", low: -Infinity, high: Infinity, shape: [OBS] },
  actionSpace: { type: "discrete", n: ACTIONS },
  actor: actor.toSpec(),
  critic: critic.toSpec(),
  provenance: { algorithm: "ppo", envId: "Bench-v0", timesteps: 0 },
};
const dir = await Deno.makeTempDir({ prefix: "ascent_bench_onnx_" });
const path = `${dir}/policy.onnx`;
await exportOnnx(spec, path, { withValue: true });
const policy = await OnnxPolicy.load(path, { executionProviders: ["cpu"] });

const randomBatch = (rows: number) => Float32Array.from({ length: rows * OBS }, () => rng.normal());

// ------------------------------------------------------------------ parity (sanity)
const check = randomBatch(1024);
const onnxOut = await policy.actRaw(check, 1024);
const toolkitLogits = new Float32Array(1024 * ACTIONS);
actor.forwardInto(check, 1024, toolkitLogits);
let maxDiff = 0;
const onnxLogits = onnxOut.logits.data as Float32Array;
for (let i = 0; i < toolkitLogits.length; i++) {
  maxDiff = Math.max(maxDiff, Math.abs(onnxLogits[i] - toolkitLogits[i]));
}

// ------------------------------------------------------------------ latency, batch 1
const latencyCalls = quick ? 2000 : 10000;
const one = randomBatch(1);
const oneRow = Array.from(one);
for (let i = 0; i < 200; i++) await policy.actRaw(one, 1);
const rawTimes: number[] = [];
for (let i = 0; i < latencyCalls; i++) {
  const t = performance.now();
  await policy.actRaw(one, 1);
  rawTimes.push(performance.now() - t);
}
const actTimes: number[] = [];
for (let i = 0; i < latencyCalls; i++) {
  const t = performance.now();
  await policy.act(oneRow);
  actTimes.push(performance.now() - t);
}
const logits1 = new Float32Array(ACTIONS);
const value1 = new Float32Array(1);
const toolkitOnce = () => {
  actor.forwardInto(one, 1, logits1);
  critic.forwardInto(one, 1, value1);
};
for (let i = 0; i < 1000; i++) toolkitOnce();
// Toolkit calls take about a microsecond: time blocks of 100 calls.
const blockTimes: number[] = [];
for (let b = 0; b < latencyCalls / 100; b++) {
  const t = performance.now();
  for (let i = 0; i < 100; i++) toolkitOnce();
  blockTimes.push((performance.now() - t) / 100);
}
[rawTimes, actTimes, blockTimes].forEach((a) => a.sort((x, y) => x - y));
const us = (ms: number) => round(ms * 1000, 1);
const latency = {
  onnxRawP50Us: us(percentile(rawTimes, 0.5)),
  onnxRawP99Us: us(percentile(rawTimes, 0.99)),
  onnxActP50Us: us(percentile(actTimes, 0.5)),
  onnxActP99Us: us(percentile(actTimes, 0.99)),
  toolkitP50Us: us(percentile(blockTimes, 0.5)),
  toolkitP99Us: us(percentile(blockTimes, 0.99)),
};

// ------------------------------------------------------------------ throughput, batch 1024
const BATCH = 1024;
const big = randomBatch(BATCH);
const reps = quick ? 40 : 200;
for (let i = 0; i < 5; i++) await policy.actRaw(big, BATCH);
let t0 = performance.now();
for (let i = 0; i < reps; i++) await policy.actRaw(big, BATCH);
const onnxSeconds = (performance.now() - t0) / 1000;
const logitsBig = new Float32Array(BATCH * ACTIONS);
const valuesBig = new Float32Array(BATCH);
for (let i = 0; i < 5; i++) {
  actor.forwardInto(big, BATCH, logitsBig);
  critic.forwardInto(big, BATCH, valuesBig);
}
t0 = performance.now();
for (let i = 0; i < reps; i++) {
  actor.forwardInto(big, BATCH, logitsBig);
  critic.forwardInto(big, BATCH, valuesBig);
}
const toolkitSeconds = (performance.now() - t0) / 1000;
const throughput = {
  onnxObsPerSec: Math.round(reps * BATCH / onnxSeconds),
  toolkitObsPerSec: Math.round(reps * BATCH / toolkitSeconds),
};
await policy.close();

// ------------------------------------------------------------------ server under load
interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

async function load(port: number, concurrency: number, seconds: number): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}/v1/act`;
  const body = JSON.stringify({ observations: [oneRow] });
  const deadline = performance.now() + seconds * 1000;
  const maxRequests = 200_000;
  const times: number[] = [];
  let errors = 0;
  const start = performance.now();
  const worker = async () => {
    while (performance.now() < deadline && times.length + errors < maxRequests) {
      const t = performance.now();
      try {
        const res = await fetch(url, { method: "POST", body });
        await res.arrayBuffer();
        if (res.ok) times.push(performance.now() - t);
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  return {
    concurrency,
    requests: times.length,
    errors,
    requestsPerSec: Math.round(times.length / elapsed),
    p50Ms: round(percentile(times, 0.5), 3),
    p99Ms: round(percentile(times, 0.99), 3),
  };
}

const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    `--allow-read=${path}`,
    "--allow-ffi",
    "--allow-net=127.0.0.1",
    new URL("../cli/serve.ts", import.meta.url).pathname,
    path,
    "--port",
    "0",
  ],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
let serverText = "";
while (!/http:\/\/127\.0\.0\.1:(\d+)/.test(serverText)) {
  const { value, done } = await reader.read();
  if (done) throw new Error(`bench/onnx: the server exited early: ${serverText}`);
  serverText += value;
}
const port = Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(serverText)![1]);
const seconds = quick ? 2 : 6;

/** Resident set size of the server process in MiB. */
function serverRssMiB(): number {
  const status = Deno.readTextFileSync(`/proc/${server.pid}/status`);
  return round(Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024, 1);
}

/**
 * Opens `n` connections of each slow kind for `seconds` while `during` runs: idle ones,
 * slowloris ones (one header byte every 200 ms) and ones that never send their body.
 */
async function withSlowClients<T>(n: number, during: () => Promise<T>): Promise<T> {
  const enc = new TextEncoder();
  const head = enc.encode(
    "POST /v1/act HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n" +
      "content-length: 64\r\n\r\n",
  );
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < 3 * n; i++) {
    conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
  }
  const noBody = conns.slice(2 * n);
  await Promise.all(noBody.map((c) => c.write(head).catch(() => 0)));
  const slowloris = conns.slice(n, 2 * n);
  let dripping = true;
  const drip = (async () => {
    for (let i = 0; i < head.length && dripping; i++) {
      await Promise.all(slowloris.map((c) => c.write(head.subarray(i, i + 1)).catch(() => 0)));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    return await during();
  } finally {
    dripping = false;
    await drip;
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed by the server */ }
    }
  }
}

const rssStart = serverRssMiB();
await load(port, 4, 0.5); // warm-up
const serial = await load(port, 1, seconds);
const loaded = await load(port, 32, seconds);
const heavy = await load(port, 200, seconds);
const rssAfterLoad = serverRssMiB();
const SLOW = 100;
const withSlow = await withSlowClients(SLOW, () => load(port, 32, seconds));
const rssAfterSlow = serverRssMiB();
const afterSlow = await load(port, 32, quick ? 1 : 3);
const rssEnd = serverRssMiB();
server.kill("SIGTERM");
for (;;) {
  const { value, done } = await reader.read();
  if (done) break;
  serverText += value;
}
await server.status;
const serverStats = JSON.parse(serverText.trim().split("\n").at(-1)!) as {
  requests: number;
  runs: number;
  rows: number;
};
await Deno.remove(dir, { recursive: true });

// ------------------------------------------------------------------ report
const results = {
  bench: "onnx",
  quick,
  model: `obs ${OBS} → [${HIDDEN}] tanh → ${ACTIONS} logits + value`,
  reference: "nn MLP.forwardInto (actor + critic)",
  onnxRuntime: "onnxruntime-node 1.30.0, cpu provider",
  maxAbsLogitDiff: maxDiff,
  latencyBatch1: latency,
  throughputBatch1024: throughput,
  onnxVsToolkitThroughput: round(throughput.onnxObsPerSec / throughput.toolkitObsPerSec, 2),
  loadAverage: { before: loadBefore, after: loadAverage() },
  server: {
    serial,
    loaded,
    heavy,
    withSlowClients: { slowClients: 3 * SLOW, ...withSlow },
    afterSlowClients: afterSlow,
    rssMiB: { start: rssStart, afterLoad: rssAfterLoad, afterSlow: rssAfterSlow, end: rssEnd },
    meanRowsPerOrtCall: round(serverStats.rows / Math.max(1, serverStats.runs), 2),
  },
};

const body = [
  `Policy: ${results.model}. Reference: the toolkit's ${results.reference}, measured in the ` +
  `same run. ONNX Runtime: ${results.onnxRuntime}. Largest |logit difference| ONNX vs ` +
  `toolkit at batch 1024: ${maxDiff.toExponential(2)}.`,
  "",
  markdownTable(["measure", "ONNX Runtime", "toolkit forwardInto", "ONNX / toolkit"], [
    [
      "latency batch 1, p50 (µs)",
      `${latency.onnxRawP50Us} (act: ${latency.onnxActP50Us})`,
      latency.toolkitP50Us,
      round(latency.onnxRawP50Us / latency.toolkitP50Us, 1),
    ],
    [
      "latency batch 1, p99 (µs)",
      `${latency.onnxRawP99Us} (act: ${latency.onnxActP99Us})`,
      latency.toolkitP99Us,
      round(latency.onnxRawP99Us / latency.toolkitP99Us, 1),
    ],
    [
      "throughput batch 1024 (obs/s)",
      throughput.onnxObsPerSec,
      throughput.toolkitObsPerSec,
      results.onnxVsToolkitThroughput,
    ],
  ]),
  "",
  `Server (\`cli/serve.ts\`, child process, 127.0.0.1; in-script fetch load generator, ` +
  `${seconds} s per row, one observation per request):`,
  "",
  markdownTable(["in flight", "requests", "errors", "requests/s", "p50 (ms)", "p99 (ms)"], [
    ...[serial, loaded, heavy].map((r) => [
      r.concurrency,
      r.requests,
      r.errors,
      r.requestsPerSec,
      r.p50Ms,
      r.p99Ms,
    ]),
    [
      `32, with ${3 * SLOW} slow clients connected`,
      withSlow.requests,
      withSlow.errors,
      withSlow.requestsPerSec,
      withSlow.p50Ms,
      withSlow.p99Ms,
    ],
    [
      "32, after the slow clients left",
      afterSlow.requests,
      afterSlow.errors,
      afterSlow.requestsPerSec,
      afterSlow.p50Ms,
      afterSlow.p99Ms,
    ],
  ]),
  "",
  `Slow clients: ${SLOW} idle connections, ${SLOW} slowloris (one header byte every 200 ms) ` +
  `and ${SLOW} that send headers but never their 64-byte body, all open during the whole row ` +
  `(the server's default limits: 10 s header and body timeouts, 5 s idle, 1 024 connections).`,
  "",
  `Server RSS (MiB): ${rssStart} after start-up, ${rssAfterLoad} after the 1/32/200 rows, ` +
  `${rssAfterSlow} after the slow-client row, ${rssEnd} at the end.`,
  "",
  `Micro-batching: ${results.server.meanRowsPerOrtCall} rows per ONNX Runtime call on average ` +
  `over the whole server run. Load average of the machine (2 cores, shared): ` +
  `${results.loadAverage.before} before, ${results.loadAverage.after} after.`,
].join("\n");

console.log(body);
await updateBenchmarks("onnx", `deno run -A bench/onnx.ts${quick ? " --quick" : ""}`, body);
console.log(JSON.stringify(results));
