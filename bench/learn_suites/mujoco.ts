/**
 * The MuJoCo suite of `bench/learn.ts`: PPO on the seven v5 tasks and TRPO on the
 * locomotion tasks (and InvertedPendulum) at rl-baselines3-zoo's budget of 1M steps, each
 * with its tuned preset. Goals are the figures the issue names for the median seed: the
 * zoo's single-seed results on the v3 tasks, InvertedPendulum 1000,
 * InvertedDoublePendulum ≥ 9000 and Reacher ≥ −5. Thresholds ("reached") are the
 * environments' reward thresholds (Walker2d-v5 has none: its goal stands in).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mujocoSuite } from "./mujoco.ts";
 * assert.ok(mujocoSuite.full.some((j) => j.algo === "trpo" && j.env === "Hopper-v5"));
 * ```
 * @module
 */
import type { LearnJob, LearnSuite } from "./job.ts";

const ZOO = "rl-baselines3-zoo, v3";
const ISSUE = "issue 12";

/** A 1M-step job; `goal` is a figure from `source` for the median seed. */
function job(
  algo: LearnJob["algo"],
  env: string,
  threshold: number,
  goal?: number,
  source = ZOO,
): LearnJob {
  const j: LearnJob = { algo, env, steps: 1_000_000, threshold };
  if (goal !== undefined) j.goal = { value: goal, source };
  return j;
}

const FULL: LearnJob[] = [
  job("ppo", "InvertedPendulum-v5", 950, 1000, ISSUE),
  job("ppo", "InvertedDoublePendulum-v5", 9100, 9000, ISSUE),
  job("ppo", "Reacher-v5", -3.75, -5, ISSUE),
  job("ppo", "Hopper-v5", 3800, 2410),
  job("ppo", "HalfCheetah-v5", 4800, 5819),
  job("ppo", "Walker2d-v5", 3479, 3479),
  job("ppo", "Ant-v5", 6000, 1327),
  job("trpo", "InvertedPendulum-v5", 950, 1000, ISSUE),
  job("trpo", "Hopper-v5", 3800, 3618),
  job("trpo", "Walker2d-v5", 4933, 4933),
  job("trpo", "Ant-v5", 6000, 4982),
  job("trpo", "HalfCheetah-v5", 4800),
];

/** Within a minute: short runs of the two quickest tasks. */
const QUICK: LearnJob[] = [
  { algo: "ppo", env: "InvertedPendulum-v5", steps: 40_000, threshold: 950 },
  { algo: "ppo", env: "Reacher-v5", steps: 30_000, threshold: -3.75 },
];

/** MuJoCo v5: PPO on all seven tasks, TRPO on the locomotion ones, 1M steps, 3 seeds. */
export const mujocoSuite: LearnSuite = {
  name: "mujoco",
  section: "learn-mujoco",
  full: FULL,
  quick: QUICK,
};
