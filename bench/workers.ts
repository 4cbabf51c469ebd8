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
 * **MuJoCo (issue 12's goals).** HalfCheetah-v5 with 8 copies: env-steps/s of the in-process
 * `VectorEnv` (one thread) and of `ThreadedVectorEnv` on 2 threads (goal ≥ 1.7×), in
 * alternating windows of the same run; and PPO's training steps/s on HalfCheetah-v5
 * (CleanRL's continuous settings with 8 copies × 256 steps, the same 2048-step batch) in
 * process and with `envWorkers: 2` (each in a fresh process, as a training run starts; the
 * steady rate after the first updates, and the whole run's), against 13.1k steps/s, the
 * raw single-thread step rate of Gymnasium's HalfCheetah on native MuJoCo (issue 12's
 * figure, not measured here).
 *
 * Usage: `deno run -A --unstable-worker-options bench/workers.ts [--quick]`. Prints one
 * JSON object as the last line and updates the `workers` section of BENCHMARKS.md.
 * @module
 */
import { Registry } from "../envs/registry.ts";
import "../envs/builtin.ts";
import { makeVectorEnv, type VectorEnvLike } from "../envs/vector.ts";
import { ThreadedVectorEnv } from "../envs/threaded_vector_env.ts";
import { createAgent, resolveConfig, type UpdateMetrics } from "../algorithms/mod.ts";
import { Rng } from "../random.ts";
import type { Env } from "../envs/types.ts";
import { loadPlugin } from "../plugins/loader.ts";
import { EnvWorker, sandboxSupport } from "../plugins/sandbox/channel.ts";
import { WorkerVectorEnv } from "../plugins/worker_vector.ts";
import { isQuick, loadAverage, markdownTable, updateBenchmarks } from "./report.ts";

const QUICK = isQuick();
const BUDGET_MS = QUICK ? 1500 : 4500;
const WARMUP_MS = QUICK ? 200 : 800;
const STEP_MICROS = 50;
const SIZES = QUICK ? [16, 64] : [4, 16, 64];
const ROUNDS = 3;
const WORKERS = 2;

const CHEETAH = "HalfCheetah-v5";
const CHEETAH_COPIES = 8;
const PPO_CHILD_FLAG = "--ppo-child";

/**
 * PPO's training steps/s on HalfCheetah (evaluation-free): the agent's own SPS over the
 * whole `learn` call, and the steady rate after `warmup` updates (environment steps over
 * wall time from the end of update `warmup` to the end of the last one: the first updates
 * include the JIT's warm-up, which a long run amortises).
 */
async function ppoSps(
  envWorkers: number,
  updates: number,
  warmup: number,
): Promise<{ whole: number; steady: number }> {
  const config = resolveConfig("ppo", CHEETAH, "cleanrl-continuous", {
    seed: 1,
    numEnvs: CHEETAH_COPIES,
    numSteps: 2048 / CHEETAH_COPIES,
    envWorkers,
  });
  const agent = createAgent("ppo", config);
  let last: UpdateMetrics | null = null;
  let warmAt = 0, warmSteps = 0, endAt = 0;
  await agent.learn({
    totalTimesteps: 2048 * updates,
    callbacks: {
      onUpdateEnd: (m) => {
        last = m;
        endAt = performance.now();
        if (m.update === warmup) [warmAt, warmSteps] = [endAt, m.timesteps];
      },
    },
  });
  await agent.close();
  const final = last as UpdateMetrics | null;
  const steady = final === null ? 0 : (final.timesteps - warmSteps) / ((endAt - warmAt) / 1000);
  return { whole: final?.sps ?? 0, steady };
}
// Child mode (`--ppo-child W UPDATES WARMUP`): one PPO measurement, printed as JSON.
if (Deno.args[0] === PPO_CHILD_FLAG) {
  const [w, updates, warmup] = Deno.args.slice(1).map(Number);
  console.log(JSON.stringify(await ppoSps(w, updates, warmup)));
  Deno.exit(0);
}

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

/** Env-steps/s of `vec` stepped with random box actions for about `ms` ms (synchronously). */
function boxRate(vec: VectorEnvLike, batches: Float32Array[], ms: number): number {
  const t0 = performance.now();
  let steps = 0, k = 0;
  while (performance.now() - t0 < ms) {
    for (let j = 0; j < 50; j++) vec.step(batches[k++ % batches.length]);
    steps += 50 * vec.numEnvs;
  }
  return steps / ((performance.now() - t0) / 1000);
}

const GYMNASIUM_CHEETAH_SPS = 13_100; // issue 12's figure (native MuJoCo), not measured here
const cheetahLocal = await makeVectorEnv(CHEETAH, CHEETAH_COPIES, { seed: 0 });
const cheetahThreaded = await ThreadedVectorEnv.start(CHEETAH, CHEETAH_COPIES, {
  numWorkers: WORKERS,
});
const rng = new Rng(5);
const batches = Array.from(
  { length: 64 },
  () =>
    Float32Array.from(
      { length: CHEETAH_COPIES * cheetahLocal.actDim },
      () => 2 * rng.uniform() - 1,
    ),
);
await cheetahLocal.reset(0);
cheetahThreaded.reset(0);
boxRate(cheetahLocal, batches, WARMUP_MS);
boxRate(cheetahThreaded, batches, WARMUP_MS);
let cheetahA = 0, cheetahB = 0;
for (let round = 0; round < ROUNDS; round++) {
  cheetahA = Math.max(cheetahA, boxRate(cheetahLocal, batches, BUDGET_MS / ROUNDS));
  cheetahB = Math.max(cheetahB, boxRate(cheetahThreaded, batches, BUDGET_MS / ROUNDS));
}
await cheetahLocal.close();
await cheetahThreaded.close();
const cheetahVector = { inProcess: cheetahA, workers: cheetahB, speedup: cheetahB / cheetahA };

const PPO_UPDATES = QUICK ? 3 : 24;
const PPO_WARMUP = QUICK ? 1 : 4;
const PPO_ROUNDS = QUICK ? 1 : 2;
/** One PPO measurement in a fresh process, as a user's training run starts. */
async function ppoInChild(envWorkers: number): Promise<{ whole: number; steady: number }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-worker-options",
      new URL(import.meta.url).pathname,
      PPO_CHILD_FLAG,
      String(envWorkers),
      String(PPO_UPDATES),
      String(PPO_WARMUP),
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`PPO child (envWorkers ${envWorkers}) failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}
// alternating rounds, each in its own process; the best steady rate of each counts
const ppo = { inProcess: { whole: 0, steady: 0 }, workers: { whole: 0, steady: 0 } };
for (let round = 0; round < PPO_ROUNDS; round++) {
  for (const [key, w] of [["inProcess", 0], ["workers", WORKERS]] as const) {
    const r = await ppoInChild(w);
    if (r.steady > ppo[key].steady) ppo[key] = r;
  }
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
  "",
  `**MuJoCo** (${CHEETAH}, ${CHEETAH_COPIES} copies, random actions; best of ${ROUNDS} ` +
  `alternating rounds): in-process \`VectorEnv\` ${fmt(cheetahVector.inProcess)} env-steps/s, ` +
  `\`ThreadedVectorEnv\` on ${WORKERS} threads (the caller and ${WORKERS - 1} Worker${
    WORKERS > 2 ? "s" : ""
  }) ${fmt(cheetahVector.workers)} env-steps/s: ` +
  `**${cheetahVector.speedup.toFixed(2)}×** (goal ≥ 1.7×).`,
  "",
  `PPO training on ${CHEETAH} (CleanRL continuous settings, ${CHEETAH_COPIES} copies × ` +
  `${2048 / CHEETAH_COPIES} steps, ${PPO_UPDATES} updates of 2048 steps, each run in a fresh ` +
  `process, best of ${PPO_ROUNDS} alternating rounds; steady: the rate ` +
  `after the first ${PPO_WARMUP} updates, the JIT's warm-up; whole: the agent's SPS over ` +
  `the whole run): in process ${fmt(ppo.inProcess.steady)} steps/s steady ` +
  `(${fmt(ppo.inProcess.whole)} whole), with \`envWorkers: ${WORKERS}\` ` +
  `${fmt(ppo.workers.steady)} steps/s steady (${fmt(ppo.workers.whole)} whole): ` +
  `${(ppo.workers.steady / ppo.inProcess.steady).toFixed(2)}× in process; ` +
  `**${(ppo.workers.steady / GYMNASIUM_CHEETAH_SPS).toFixed(2)}×** Gymnasium's native ` +
  `single-thread raw step rate of 13.1k steps/s (issue 12's figure, not measured here; ` +
  `goal ≥ 1).`,
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
  mujoco: {
    env: CHEETAH,
    numEnvs: CHEETAH_COPIES,
    inProcessStepsPerSec: Math.round(cheetahVector.inProcess),
    workerStepsPerSec: Math.round(cheetahVector.workers),
    speedup: Number(cheetahVector.speedup.toFixed(3)),
    ppoInProcessSps: Math.round(ppo.inProcess.steady),
    ppoWorkersSps: Math.round(ppo.workers.steady),
    ppoInProcessWholeSps: Math.round(ppo.inProcess.whole),
    ppoWorkersWholeSps: Math.round(ppo.workers.whole),
    ppoWorkersVsGymnasiumNative: Number((ppo.workers.steady / GYMNASIUM_CHEETAH_SPS).toFixed(3)),
  },
  loadAverage: { before: loadBefore, after: loadAfter },
}));
