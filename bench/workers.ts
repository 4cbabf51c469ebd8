/**
 * What stepping environments in Workers buys: a deliberately slow environment
 * (`busy/Spin-v0` from `plugins/examples/busy.ts`, whose `step` busy-waits 50 µs) stepped
 * as a vector of N copies by the in-process `VectorEnv` (one thread, one copy after the
 * other) and by `WorkerVectorEnv` with 2 Workers (the copies split between two threads,
 * one message round trip per Worker per vector step). Reports environment steps per second
 * and the speedup `workers / in-process`, measured in the same run. Ideal on 2 free cores:
 * 2× minus the message overhead; other processes on the machine make it noisy.
 *
 * Also reported: the round trip of one sandboxed plugin environment (`SandboxedEnv`, one
 * message per `step`) against the same environment in process.
 *
 * Usage: `deno run -A --unstable-worker-options bench/workers.ts [--quick]`. Prints one
 * JSON object as the last line and updates the `workers` section of BENCHMARKS.md.
 * @module
 */
import { Registry } from "../envs/registry.ts";
import "../envs/builtin.ts";
import { makeVectorEnv, type VectorEnvLike } from "../envs/vector.ts";
import type { Env } from "../envs/types.ts";
import { loadPlugin } from "../plugins/loader.ts";
import { EnvWorker, sandboxSupport } from "../plugins/sandbox/channel.ts";
import { WorkerVectorEnv } from "../plugins/worker_vector.ts";
import { isQuick, markdownTable, updateBenchmarks } from "./report.ts";

const QUICK = isQuick();
const BUDGET_MS = QUICK ? 1500 : 4500;
const WARMUP_MS = QUICK ? 200 : 800;
const STEP_MICROS = 50;
const SIZES = QUICK ? [16, 64] : [4, 16, 64];
const ROUNDS = 3;
const WORKERS = 2;

const root = new URL("../", import.meta.url);
const busy = new URL("plugins/examples/busy.ts", root);
const acme = new URL("plugins/examples/acme.ts", root);

/** Steps `vec` with fixed actions for about `ms` ms; returns environment steps per second. */
async function vectorRate(vec: VectorEnvLike, ms: number): Promise<number> {
  const actions = new Int32Array(vec.numEnvs).fill(1);
  await vec.reset(0);
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < ms) {
    await vec.step(actions.slice());
    steps += vec.numEnvs;
  }
  return steps / ((performance.now() - t0) / 1000);
}

/** Steps one environment for about `ms` ms; returns microseconds per step. */
async function singleMicros(env: Env, ms: number): Promise<number> {
  await env.reset({ seed: 0 });
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < ms) {
    const s = await env.step(1);
    steps++;
    if (s.terminated || s.truncated) await env.reset();
  }
  return ((performance.now() - t0) * 1000) / steps;
}

/** The 1-minute load average (other processes competing for the cores), if readable. */
function loadAverage(): number | null {
  try {
    return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
  } catch {
    return null;
  }
}

const loadBefore = loadAverage();
const registry = new Registry();
await loadPlugin(busy, { registry, sandbox: false });
const envOptions = { stepMicros: STEP_MICROS, episodeLength: 100 };

interface Row {
  numEnvs: number;
  inProcess: number;
  workers: number;
  speedup: number;
}
const rows: Row[] = [];
for (const n of SIZES) {
  // Both vector envs stay alive; rounds alternate between them and the best rate of each
  // counts, so that load from other processes hits both alike.
  const inProcess = await makeVectorEnv("busy/Spin-v0", n, { registry, envOptions, check: false });
  const workers = await WorkerVectorEnv.create("busy/Spin-v0", {
    registry,
    numEnvs: n,
    numWorkers: WORKERS,
    envOptions,
  });
  await vectorRate(inProcess, WARMUP_MS);
  await vectorRate(workers, WARMUP_MS);
  let a = 0;
  let b = 0;
  for (let round = 0; round < ROUNDS; round++) {
    a = Math.max(a, await vectorRate(inProcess, BUDGET_MS / ROUNDS));
    b = Math.max(b, await vectorRate(workers, BUDGET_MS / ROUNDS));
  }
  await inProcess.close();
  await workers.close();
  rows.push({ numEnvs: n, inProcess: a, workers: b, speedup: b / a });
}

let sandbox: { inProcessMicros: number; sandboxedMicros: number } | null = null;
if (sandboxSupport() !== "missing") {
  const plain = new Registry();
  await loadPlugin(acme, { registry: plain, sandbox: false });
  const boxed = new Registry();
  await loadPlugin(acme, { registry: boxed, sandbox: true });
  const local = await plain.make("acme/Corridor-v0", { check: false });
  const remote = await boxed.make("acme/Corridor-v0", { check: false });
  await singleMicros(remote, WARMUP_MS);
  sandbox = {
    inProcessMicros: await singleMicros(local, BUDGET_MS / 2),
    sandboxedMicros: await singleMicros(remote, BUDGET_MS / 2),
  };
  await remote.close?.();
}
EnvWorker.terminateAll();
const loadAfter = loadAverage();

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const body = [
  `Slow environment: \`busy/Spin-v0\`, each step busy-waits ${STEP_MICROS} µs ` +
  `(ideal single-thread rate ${fmt(1e6 / STEP_MICROS)} steps/s). ` +
  `In-process \`VectorEnv\` vs \`WorkerVectorEnv\` with ${WORKERS} Workers ` +
  `(${navigator.hardwareConcurrency} cores, shared with other processes). Best of ${ROUNDS} ` +
  `alternating rounds each. Load average (1 min) before/after: ${loadBefore ?? "?"} / ` +
  `${loadAfter ?? "?"} — with the load near 2 the second core is busy elsewhere and the ` +
  `Workers cannot win.`,
  "",
  markdownTable(
    ["N envs", "in-process steps/s", `${WORKERS} Workers steps/s`, "speedup"],
    rows.map((r) => [r.numEnvs, fmt(r.inProcess), fmt(r.workers), r.speedup.toFixed(2) + "×"]),
  ),
  "",
  sandbox
    ? `One sandboxed plugin env (\`acme/Corridor-v0\`, one message round trip per step): ` +
      `${sandbox.sandboxedMicros.toFixed(1)} µs/step vs ${
        sandbox.inProcessMicros.toFixed(2)
      } µs/step in process.`
    : "Sandboxed round trip not measured (run with --unstable-worker-options).",
].join("\n");
await updateBenchmarks(
  "workers",
  `deno run -A --unstable-worker-options bench/workers.ts${QUICK ? " --quick" : ""}`,
  body,
);
const main = rows.find((r) => r.numEnvs === 16) ?? rows[0];
console.log(body);
console.log(JSON.stringify({
  bench: "workers",
  quick: QUICK,
  stepMicros: STEP_MICROS,
  workers: WORKERS,
  numEnvs: main.numEnvs,
  inProcessStepsPerSec: Math.round(main.inProcess),
  workerStepsPerSec: Math.round(main.workers),
  speedup: Number(main.speedup.toFixed(3)),
  sizes: rows.map((r) => ({
    numEnvs: r.numEnvs,
    inProcess: Math.round(r.inProcess),
    workers: Math.round(r.workers),
    speedup: Number(r.speedup.toFixed(3)),
  })),
  sandbox,
  loadAverage: { before: loadBefore, after: loadAfter },
}));
