/**
 * Environment stepping speed: for each classic-control environment, steps per second of
 * one environment made by `make` (plain `step`, inside `TimeLimit`), and of a
 * `VectorEnv` of N = 16 copies (the allocation-free fast path), with random actions
 * generated before timing. Reports ns per environment step and the ratio to the issue's
 * figure for Gymnasium in Python (~10⁵ single CartPole steps/s: the figure, not
 * measured here). Target: a CartPole-v1 vector step under 100 ns per environment.
 *
 * MuJoCo environments: steps per second of one environment made by `make` (plain `step`,
 * inside `TimeLimit`, random actions, reset at episode ends), against the figures for
 * Gymnasium on native MuJoCo 3.12.0 (measured when the issue was written, not in this run).
 *
 * Box2D environments (planck): steps per second of one environment from `make` (plain
 * `step`, random actions, reset at episode ends), against the figures for Gymnasium
 * with pybox2d on this machine (LunarLander 28k discrete, 17k continuous steps/s; the issue's
 * figures, not measured here).
 *
 * For every MuJoCo and Box2D environment also the vector rates of 8 copies: the in-process
 * `VectorEnv` (one thread) and `ThreadedVectorEnv` on 2 threads (the caller and one Worker),
 * and the ratio of the two
 * measured in the same run (alternating windows, best of each; the load average is
 * reported, since other processes on the machine take cores from the Workers).
 *
 * Usage: `deno run -A bench/envs.ts [--quick]`. Prints one JSON object as the last line
 * and updates the `envs` section of BENCHMARKS.md.
 * @module
 */
import { Rng } from "../random.ts";
import {
  CLASSIC_ENV_IDS,
  type Env,
  flatDim,
  isPromiseLike,
  listEnvs,
  make,
  makeVectorEnv,
  MUJOCO_ENV_IDS,
  sample,
  type StepResult,
  ThreadedVectorEnv,
  TimeLimit,
  VectorEnv,
  Wrapper,
} from "../envs/mod.ts";
import { CartPoleEnv } from "../envs/classic/mod.ts";
import { box2dEnvs } from "../envs/box2d/mod.ts";
import { isQuick, loadAverage, markdownTable, updateBenchmarks } from "./report.ts";

const QUICK = isQuick();
const BUDGET_MS = QUICK ? 400 : 2000;
const WARMUP_MS = QUICK ? 150 : 600;
const N = 16;
const GYMNASIUM_CARTPOLE_STEPS_PER_SEC = 1e5; // the figure, not measured here
/** Gymnasium on native MuJoCo, env steps/s: issue 12's figures, not measured here. */
const GYMNASIUM_MUJOCO_STEPS_PER_SEC: Record<string, number> = {
  "InvertedPendulum-v5": 30e3,
  "HalfCheetah-v5": 13.1e3,
  "Ant-v5": 2.9e3,
};
/** Gymnasium + pybox2d single-env steps/s on this machine (issue 13's figures, not measured here). */
const GYMNASIUM_BOX2D_STEPS_PER_SEC: Record<string, number> = {
  "LunarLander-v3": 28000,
  "LunarLanderContinuous-v3": 17000,
};

/** Runs `chunk()` (which does `perChunk` env-steps) for about `ms` ms; returns ns/env-step. */
function timeIt(chunk: () => void, perChunk: number, ms: number): number {
  let steps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    chunk();
    steps += perChunk;
    t = performance.now();
  }
  return ((t - t0) * 1e6) / steps;
}

/** Warms up, then returns the best (lowest) ns/env-step of five windows: the machine is shared. */
function measure(chunk: () => void, perChunk: number): number {
  timeIt(chunk, perChunk, WARMUP_MS);
  let best = Infinity;
  for (let w = 0; w < 5; w++) best = Math.min(best, timeIt(chunk, perChunk, BUDGET_MS / 5));
  return best;
}

async function single(id: string, perChunk = 1000): Promise<number> {
  const env = await make(id, { seed: 0 });
  const rng = new Rng(1);
  const actions = Array.from({ length: 1024 }, () => sample(env.actionSpace, rng));
  env.reset();
  let k = 0;
  const chunk = () => {
    for (let s = 0; s < perChunk; s++) {
      const r = env.step(actions[k++ & 1023]) as StepResult;
      if (r.terminated || r.truncated) env.reset();
    }
  };
  const ns = measure(chunk, perChunk);
  await env.close?.();
  return ns;
}

function vector(v: VectorEnv): number {
  return measure(...vectorChunk(v));
}

/** A chunk of 200 vector steps with pre-generated random actions, and its env-steps. */
function vectorChunk(v: VectorEnv): [() => void, number] {
  const N = v.numEnvs;
  const rng = new Rng(2);
  const discrete = v.singleActionSpace.type === "discrete";
  const width = discrete ? N : N * flatDim(v.singleActionSpace);
  const batches = Array.from({ length: 256 }, () => {
    const a = discrete ? new Int32Array(width) : new Float32Array(width);
    for (let i = 0; i < N; i++) {
      const x = sample(v.singleActionSpace, rng);
      if (typeof x === "number") a[i] = x;
      else a.set(x, i * x.length);
    }
    return a;
  });
  v.reset(0);
  let k = 0;
  const chunk = () => {
    for (let s = 0; s < 200; s++) {
      const r = v.step(batches[k++ & 255]);
      if (isPromiseLike(r)) throw new Error("a synchronous vector env returned a Promise");
    }
  };
  return [chunk, 200 * N];
}

/** Copies and Workers of the vector comparison. */
const VECTOR_HEADER = ["vector(8) env-steps/s", "2 threads env-steps/s", "threads / in-process"];
const VEC_COPIES = 8, VEC_WORKERS = 2;

interface VectorRates {
  /** In-process `VectorEnv` of 8 copies, env-steps/s. */
  inProcess: number;
  /** `ThreadedVectorEnv`, 8 copies on 2 threads (the caller and one Worker), env-steps/s. */
  workers: number;
  /** workers / in-process, same run. */
  speedup: number;
}

/**
 * The vector rates of `id` (8 copies): in process and on 2 threads, in alternating windows
 * (best of each), so that load from other processes hits both alike.
 */
async function vectorRates(id: string): Promise<VectorRates> {
  const local = await makeVectorEnv(id, VEC_COPIES, { seed: 0 });
  const threaded = await ThreadedVectorEnv.start(id, VEC_COPIES, { numWorkers: VEC_WORKERS });
  const [a, perA] = vectorChunk(local);
  const [b, perB] = vectorChunk(threaded);
  timeIt(a, perA, WARMUP_MS);
  timeIt(b, perB, WARMUP_MS);
  let bestA = Infinity, bestB = Infinity;
  for (let w = 0; w < 5; w++) {
    bestA = Math.min(bestA, timeIt(a, perA, BUDGET_MS / 5));
    bestB = Math.min(bestB, timeIt(b, perB, BUDGET_MS / 5));
  }
  await local.close();
  await threaded.close();
  return { inProcess: 1e9 / bestA, workers: 1e9 / bestB, speedup: bestA / bestB };
}

const rate = (x: number) => Math.round(x).toLocaleString("en-US");

/** `--quick` measures the vector rates of these only (starting Workers costs seconds). */
const QUICK_VECTOR_IDS = ["HalfCheetah-v5", "LunarLander-v3"];

/** The vector rates of `id`, or null when `--quick` skips them. */
async function maybeVectorRates(id: string): Promise<VectorRates | null> {
  return QUICK && !QUICK_VECTOR_IDS.includes(id) ? null : await vectorRates(id);
}

/** The table cells of `vec` (dashes when it was not measured). */
function vectorCells(vec: VectorRates | null): string[] {
  return vec === null
    ? ["–", "–", "–"]
    : [rate(vec.inProcess), rate(vec.workers), `${vec.speedup.toFixed(2)}×`];
}

/** The log text of `vec`. */
function vectorLog(vec: VectorRates | null): string {
  return vec === null ? "" : `; vector(8) ${Math.round(vec.inProcess)}, 2 threads ` +
    `${Math.round(vec.workers)} (${vec.speedup.toFixed(2)}×)`;
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const rows: (string | number)[][] = [];
  const results: Record<string, { singleNsPerStep: number; vectorNsPerEnvStep: number }> = {};
  for (const spec of listEnvs().filter((s) => CLASSIC_ENV_IDS.includes(s.id))) {
    const s = await single(spec.id);
    const v = await makeVectorEnv(spec.id, N, { seed: 0 });
    if (!v.fastPath) throw new Error(`${spec.id}: expected the vector fast path`);
    const vn = vector(v);
    results[spec.id] = { singleNsPerStep: s, vectorNsPerEnvStep: vn };
    rows.push([
      spec.id,
      s.toFixed(0),
      Math.round(1e9 / s).toLocaleString("en-US"),
      vn.toFixed(1),
      Math.round(1e9 / vn).toLocaleString("en-US"),
    ]);
    console.log(
      `${spec.id}: single ${s.toFixed(0)} ns/step, vector(16) ${vn.toFixed(1)} ns/env-step`,
    );
  }

  // The generic (non-fast) vector path, for comparison: CartPole behind a plain Wrapper.
  const generic = VectorEnv.fromEnvs(
    Array.from({ length: N }, (): Env => new TimeLimit(new Wrapper(new CartPoleEnv()), 500)),
  );
  const genericNs = vector(generic);
  console.log(`CartPole-v1 generic vector path: ${genericNs.toFixed(1)} ns/env-step`);

  const mujocoRows: (string | number)[][] = [];
  const mujoco: Record<
    string,
    { singleStepsPerSec: number; vsGymnasiumNative?: number; vector: VectorRates | null }
  > = {};
  for (const id of MUJOCO_ENV_IDS) {
    const ns = await single(id, 100);
    const perSec = 1e9 / ns;
    const reference = GYMNASIUM_MUJOCO_STEPS_PER_SEC[id];
    const ratio = reference === undefined ? undefined : Number((perSec / reference).toFixed(2));
    const vec = await maybeVectorRates(id);
    mujoco[id] = { singleStepsPerSec: Math.round(perSec), vsGymnasiumNative: ratio, vector: vec };
    mujocoRows.push([
      id,
      (ns / 1000).toFixed(1),
      rate(perSec),
      reference === undefined ? "–" : reference.toLocaleString("en-US"),
      ratio === undefined ? "–" : `${ratio}×`,
      ...vectorCells(vec),
    ]);
    console.log(`${id}: single ${Math.round(perSec)} steps/s${vectorLog(vec)}`);
  }

  const box2dRows: (string | number)[][] = [];
  const box2d: Record<
    string,
    { singleStepsPerSec: number; vsGymnasium: number | null; vector: VectorRates | null }
  > = {};
  for (const e of box2dEnvs) {
    const ns = await single(e.id);
    const perSec = 1e9 / ns;
    const gym = GYMNASIUM_BOX2D_STEPS_PER_SEC[e.id];
    const vec = await maybeVectorRates(e.id);
    box2d[e.id] = {
      singleStepsPerSec: Math.round(perSec),
      vsGymnasium: gym === undefined ? null : Number((perSec / gym).toFixed(2)),
      vector: vec,
    };
    box2dRows.push([
      e.id,
      (ns / 1000).toFixed(1),
      rate(perSec),
      gym === undefined ? "–" : `${gym.toLocaleString("en-US")} (${(perSec / gym).toFixed(2)}×)`,
      ...vectorCells(vec),
    ]);
    console.log(`${e.id}: single ${(ns / 1000).toFixed(1)} µs/step${vectorLog(vec)}`);
  }
  const loadAfter = loadAverage();

  const cp = results["CartPole-v1"];
  const cartpoleSingleStepsPerSec = 1e9 / cp.singleNsPerStep;
  const cartpoleVectorStepsPerSec = 1e9 / cp.vectorNsPerEnvStep;
  const summary = {
    cartpoleVectorNsPerEnvStep: Number(cp.vectorNsPerEnvStep.toFixed(2)),
    cartpoleSingleNsPerStep: Number(cp.singleNsPerStep.toFixed(1)),
    cartpoleGenericVectorNsPerEnvStep: Number(genericNs.toFixed(1)),
    cartpoleVectorVsGymnasiumFigure: Number(
      (cartpoleVectorStepsPerSec / GYMNASIUM_CARTPOLE_STEPS_PER_SEC).toFixed(1),
    ),
    cartpoleSingleVsGymnasiumFigure: Number(
      (cartpoleSingleStepsPerSec / GYMNASIUM_CARTPOLE_STEPS_PER_SEC).toFixed(1),
    ),
    targetMet: cp.vectorNsPerEnvStep < 100,
    quick: QUICK,
    loadAverage: { before: loadBefore, after: loadAfter },
    mujoco,
    box2d,
    envs: Object.fromEntries(
      Object.entries(results).map(([id, r]) => [id, {
        singleNsPerStep: Number(r.singleNsPerStep.toFixed(1)),
        vectorNsPerEnvStep: Number(r.vectorNsPerEnvStep.toFixed(2)),
      }]),
    ),
  };

  const body = [
    `Random actions, pre-generated. "single": one environment from \`make\` (inside \`TimeLimit\`),`,
    `plain \`step\` and \`reset\` at episode ends. "vector": \`VectorEnv\` of ${N} copies (same-step`,
    "autoreset, allocation-free `stepInto` fast path), time per environment step. Each figure is",
    "the best of five timing windows after a warm-up.",
    "",
    markdownTable([
      "env",
      "single ns/step",
      "single steps/s",
      "vector(16) ns/env-step",
      "vector(16) env-steps/s",
    ], rows),
    "",
    `- CartPole-v1 vector step: **${cp.vectorNsPerEnvStep.toFixed(1)} ns per environment** ` +
    `(target < 100 ns: ${summary.targetMet ? "met" : "NOT met"}).`,
    `- CartPole-v1 through the generic (non-fast) vector path: ${
      genericNs.toFixed(1)
    } ns per environment step.`,
    `- Against the issue's figure for Gymnasium in Python (~10⁵ single CartPole steps/s; the issue's figure, ` +
    `not measured here): single ${summary.cartpoleSingleVsGymnasiumFigure}×, vector ` +
    `${summary.cartpoleVectorVsGymnasiumFigure}×.`,
    "",
    "Box2D environments (planck), one environment from `make`, random actions, reset at",
    "episode ends; Gymnasium's figures are the issue's (pybox2d on this machine), not measured here.",
    "",
    markdownTable([
      "env",
      "single µs/step",
      "single steps/s",
      "Gymnasium steps/s",
      ...VECTOR_HEADER,
    ], box2dRows),
    "",
    QUICK ? "- Quick run (`--quick`): short timing windows, noisier figures." : "",
    "",
    "MuJoCo environments (MuJoCo 3.12.0, official WebAssembly build), one environment from",
    "`make`, plain `step`. The Gymnasium figures are issue 12's measurements of Gymnasium",
    "1.4.0 on the native MuJoCo 3.12.0 library (not measured in this run).",
    "",
    markdownTable([
      "env",
      "single µs/step",
      "single steps/s",
      "Gymnasium native steps/s (issue 12)",
      "ratio",
      ...VECTOR_HEADER,
    ], mujocoRows),
    "",
    `Vector columns (MuJoCo and Box2D): ${VEC_COPIES} copies, env-steps/s of the in-process`,
    `\`VectorEnv\` (one thread) and of \`ThreadedVectorEnv\` with ${VEC_WORKERS} Workers, and their`,
    "ratio, in alternating timing windows of the same run (best of five each). Load average",
    `(1 min) before/after: ${loadBefore ?? "?"} / ${loadAfter ?? "?"} on`,
    `${navigator.hardwareConcurrency} cores shared with other processes: with the load near the`,
    "number of cores the Workers have no free core and the ratio falls." +
    (QUICK
      ? ` \`--quick\` measures the vector rates of ${QUICK_VECTOR_IDS.join(" and ")} only.`
      : ""),
  ].join("\n");
  await updateBenchmarks("envs", `deno run -A bench/envs.ts${QUICK ? " --quick" : ""}`, body);
  console.log(JSON.stringify(summary));
}

if (import.meta.main) await main();
