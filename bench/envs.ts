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
  TimeLimit,
  VectorEnv,
  Wrapper,
} from "../envs/mod.ts";
import { CartPoleEnv } from "../envs/classic/mod.ts";
import { box2dEnvs } from "../envs/box2d/mod.ts";
import { isQuick, markdownTable, updateBenchmarks } from "./report.ts";

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
  return measure(chunk, 200 * N);
}

async function main(): Promise<void> {
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
  const mujoco: Record<string, { singleStepsPerSec: number; vsGymnasiumNative?: number }> = {};
  for (const id of MUJOCO_ENV_IDS) {
    const ns = await single(id, 100);
    const rate = 1e9 / ns;
    const reference = GYMNASIUM_MUJOCO_STEPS_PER_SEC[id];
    const ratio = reference === undefined ? undefined : Number((rate / reference).toFixed(2));
    mujoco[id] = { singleStepsPerSec: Math.round(rate), vsGymnasiumNative: ratio };
    mujocoRows.push([
      id,
      (ns / 1000).toFixed(1),
      Math.round(rate).toLocaleString("en-US"),
      reference === undefined ? "–" : reference.toLocaleString("en-US"),
      ratio === undefined ? "–" : `${ratio}×`,
    ]);
    console.log(`${id}: single ${Math.round(rate)} steps/s`);
  }

  const box2dRows: (string | number)[][] = [];
  const box2d: Record<string, { singleStepsPerSec: number; vsGymnasium: number | null }> = {};
  for (const e of box2dEnvs) {
    const ns = await single(e.id);
    const perSec = 1e9 / ns;
    const gym = GYMNASIUM_BOX2D_STEPS_PER_SEC[e.id];
    box2d[e.id] = {
      singleStepsPerSec: Math.round(perSec),
      vsGymnasium: gym === undefined ? null : Number((perSec / gym).toFixed(2)),
    };
    box2dRows.push([
      e.id,
      (ns / 1000).toFixed(1),
      Math.round(perSec).toLocaleString("en-US"),
      gym === undefined ? "–" : `${gym.toLocaleString("en-US")} (${(perSec / gym).toFixed(2)}×)`,
    ]);
    console.log(`${e.id}: single ${(ns / 1000).toFixed(1)} µs/step, ${Math.round(perSec)} steps/s`);
  }

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
    markdownTable(["env", "single µs/step", "single steps/s", "Gymnasium steps/s"], box2dRows),
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
    ], mujocoRows),
  ].join("\n");
  await updateBenchmarks("envs", `deno run -A bench/envs.ts${QUICK ? " --quick" : ""}`, body);
  console.log(JSON.stringify(summary));
}

if (import.meta.main) await main();
