/**
 * The classic-control suite of `bench/learn.ts`: every algorithm on the classic-control
 * environments, each with its tuned preset (and PPO's `cleanrl` preset for speed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classicSuite } from "./classic.ts";
 * assert.ok(classicSuite.full.some((j) => j.algo === "ppo" && j.env === "CartPole-v1"));
 * ```
 * @module
 */
import { ALGORITHMS, recommendedTimesteps } from "../../algorithms/mod.ts";
import type { LearnSuite } from "./job.ts";

/**
 * The return counted as solved: Gymnasium's reward thresholds, and −200 for Pendulum-v1
 * (which has none).
 */
const THRESHOLDS: Record<string, number> = {
  "CartPole-v1": 475,
  "Acrobot-v1": -100,
  "MountainCar-v0": -110,
  "MountainCarContinuous-v0": 90,
  "Pendulum-v1": -200,
};

const FULL: LearnSuite["full"] = [
  {
    algo: "ppo",
    env: "CartPole-v1",
    steps: 250_000,
    threshold: 475,
    preset: "cleanrl",
    label: "ppo (cleanrl)",
  },
  ...tunedJobs(),
];

/** Each algorithm on each classic-control task with its tuned preset and its training length. */
function tunedJobs(): LearnSuite["full"] {
  return ALGORITHMS.flatMap((algo) =>
    Object.entries(THRESHOLDS).map(([env, threshold]) => ({
      algo,
      env,
      steps: recommendedTimesteps(algo, env),
      threshold,
    }))
  );
}

const QUICK: LearnSuite["quick"] = [
  { algo: "ppo", env: "CartPole-v1", steps: 35_000, threshold: 475 },
  {
    algo: "ppo",
    env: "CartPole-v1",
    steps: 30_000,
    threshold: 475,
    preset: "cleanrl",
    label: "ppo (cleanrl)",
  },
  { algo: "a2c", env: "CartPole-v1", steps: 100_000, threshold: 475 },
  { algo: "reinforce-baseline", env: "CartPole-v1", steps: 100_000, threshold: 475 },
  { algo: "trpo", env: "Pendulum-v1", steps: 20_000, threshold: -200 },
];

/** Classic control: CartPole, Acrobot, MountainCar(Continuous), Pendulum. */
export const classicSuite: LearnSuite = {
  name: "classic",
  section: "learn",
  full: FULL,
  quick: QUICK,
};
