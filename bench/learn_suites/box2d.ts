/**
 * The Box2D suite of `bench/learn.ts`: PPO, TRPO and A2C on the landers and PPO on
 * BipedalWalker, each with its tuned preset (the algorithm's defaults where it has none).
 * Thresholds are the environments' reward thresholds (200 for the landers, 300 for the
 * walker).
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

const FULL: LearnJob[] = [
  { algo: "ppo", env: "LunarLander-v3", steps: 1_000_000, threshold: 200 },
  { algo: "ppo", env: "LunarLanderContinuous-v3", steps: 1_000_000, threshold: 200 },
  { algo: "trpo", env: "LunarLanderContinuous-v3", steps: 200_000, threshold: 200 },
  { algo: "a2c", env: "LunarLanderContinuous-v3", steps: 1_000_000, threshold: 200 },
  { algo: "ppo", env: "BipedalWalker-v3", steps: 5_000_000, threshold: 300 },
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
