/**
 * The Box2D suite of `bench/learn.ts`: PPO, TRPO and A2C on the landers and PPO on
 * BipedalWalker, each with its tuned preset (the algorithm's defaults where it has none).
 * Thresholds are the environments' reward thresholds (200 for the landers, 300 for the
 * walker); goals are rl-baselines3-zoo's figures (its budgets: 1M for PPO on the landers,
 * 200k for TRPO, 5M for A2C and for PPO on the walker) for the median seed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { box2dSuite } from "./box2d.ts";
 * assert.ok(box2dSuite.full.some((j) => j.env === "BipedalWalker-v3"));
 * ```
 * @module
 */
import type { LearnJob, LearnSuite } from "./job.ts";

const ZOO = "rl-baselines3-zoo";

/** A full job whose median seed is measured against the zoo's figure `goal` (at `budget`). */
function job(
  algo: LearnJob["algo"],
  env: string,
  steps: number,
  goal: number,
  budget?: string,
): LearnJob {
  const threshold = env.startsWith("BipedalWalker") ? 300 : 200;
  const source = budget === undefined ? ZOO : `${ZOO} at ${budget}`;
  return { algo, env, steps, threshold, goal: { value: goal, source } };
}

const FULL: LearnJob[] = [
  job("ppo", "LunarLander-v3", 1_000_000, 242),
  job("ppo", "LunarLanderContinuous-v3", 1_000_000, 271),
  job("trpo", "LunarLanderContinuous-v3", 200_000, 262),
  job("a2c", "LunarLanderContinuous-v3", 1_000_000, 204, "5M"),
  job("ppo", "BipedalWalker-v3", 5_000_000, 213),
];

/** Within a minute: a short PPO run on each lander. */
const QUICK: LearnJob[] = [
  { algo: "ppo", env: "LunarLander-v3", steps: 20_000, threshold: 200 },
  { algo: "ppo", env: "LunarLanderContinuous-v3", steps: 20_000, threshold: 200 },
];

/** Box2D: the landers (PPO, TRPO, A2C) and BipedalWalker (PPO, 5M steps), 3 seeds. */
export const box2dSuite: LearnSuite = {
  name: "box2d",
  section: "learn-box2d",
  full: FULL,
  quick: QUICK,
};
