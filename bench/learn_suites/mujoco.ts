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
const M = 1_000_000;

const FULL: LearnJob[] = [
  {
    algo: "ppo",
    env: "InvertedPendulum-v5",
    steps: M,
    threshold: 950,
    goal: { value: 1000, source: ISSUE },
  },
  {
    algo: "ppo",
    env: "InvertedDoublePendulum-v5",
    steps: M,
    threshold: 9100,
    goal: { value: 9000, source: ISSUE },
  },
  {
    algo: "ppo",
    env: "Reacher-v5",
    steps: M,
    threshold: -3.75,
    goal: { value: -5, source: ISSUE },
  },
  { algo: "ppo", env: "Hopper-v5", steps: M, threshold: 3800, goal: { value: 2410, source: ZOO } },
  {
    algo: "ppo",
    env: "HalfCheetah-v5",
    steps: M,
    threshold: 4800,
    goal: { value: 5819, source: ZOO },
  },
  {
    algo: "ppo",
    env: "Walker2d-v5",
    steps: M,
    threshold: 3479,
    goal: { value: 3479, source: ZOO },
  },
  { algo: "ppo", env: "Ant-v5", steps: M, threshold: 6000, goal: { value: 1327, source: ZOO } },
  {
    algo: "trpo",
    env: "InvertedPendulum-v5",
    steps: M,
    threshold: 950,
    goal: { value: 1000, source: ISSUE },
  },
  { algo: "trpo", env: "Hopper-v5", steps: M, threshold: 3800, goal: { value: 3618, source: ZOO } },
  {
    algo: "trpo",
    env: "Walker2d-v5",
    steps: M,
    threshold: 4933,
    goal: { value: 4933, source: ZOO },
  },
  { algo: "trpo", env: "Ant-v5", steps: M, threshold: 6000, goal: { value: 4982, source: ZOO } },
  { algo: "trpo", env: "HalfCheetah-v5", steps: M, threshold: 4800 },
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
