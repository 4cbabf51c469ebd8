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
import type { LearnSuite } from "./job.ts";

const FULL: LearnSuite["full"] = [
  { algo: "ppo", env: "CartPole-v1", steps: 100_000, threshold: 475 },
  {
    algo: "ppo",
    env: "CartPole-v1",
    steps: 250_000,
    threshold: 475,
    preset: "cleanrl",
    label: "ppo (cleanrl)",
  },
  { algo: "ppo-kl", env: "CartPole-v1", steps: 200_000, threshold: 475 },
  { algo: "trpo", env: "CartPole-v1", steps: 200_000, threshold: 475 },
  { algo: "a2c", env: "CartPole-v1", steps: 500_000, threshold: 475 },
  { algo: "vpg", env: "CartPole-v1", steps: 500_000, threshold: 475 },
  { algo: "reinforce", env: "CartPole-v1", steps: 300_000, threshold: 475 },
  { algo: "reinforce-baseline", env: "CartPole-v1", steps: 300_000, threshold: 475 },
  { algo: "ppo", env: "Pendulum-v1", steps: 200_000, threshold: -200 },
  { algo: "trpo", env: "Pendulum-v1", steps: 200_000, threshold: -200 },
  { algo: "ppo-kl", env: "Pendulum-v1", steps: 200_000, threshold: -200 },
  { algo: "ppo", env: "MountainCarContinuous-v0", steps: 100_000, threshold: 90 },
];

const QUICK: LearnSuite["quick"] = [
  { algo: "ppo", env: "CartPole-v1", steps: 100_000, threshold: 475 },
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
