/**
 * What the registry knows of the four Box2D environments before any of them is made:
 * Gymnasium's id, the options the id implies, time limit, reward threshold and a one-line
 * description. `mod.ts` pairs each with its constructor; `../builtin.ts` registers them from
 * this list alone, so that registering loads none of the Box2D modules (they load, with
 * planck, when one is first made).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { box2dSpecs } from "./specs.ts";
 * const continuous = box2dSpecs.find((s) => s.id === "LunarLanderContinuous-v3");
 * assert.deepEqual(continuous?.defaults, { continuous: true });
 * ```
 * @module
 */

/** Registration facts of one Box2D environment. */
export interface Box2DSpecFacts {
  /** Gymnasium's id. */
  id: string;
  /** Which environment class builds it. */
  kind: "lander" | "walker";
  /** Options this id implies (e.g. `{ continuous: true }`), overridable by the caller's. */
  defaults: Record<string, unknown>;
  /** Gymnasium's time limit. */
  maxEpisodeSteps: number;
  /** Gymnasium's reward threshold. */
  rewardThreshold: number;
  /** One sentence on the task. */
  description: string;
}

/** The four Box2D environments with Gymnasium's ids, limits and thresholds. */
export const box2dSpecs: readonly Box2DSpecFacts[] = [
  {
    id: "LunarLander-v3",
    kind: "lander",
    defaults: {},
    maxEpisodeSteps: 1000,
    rewardThreshold: 200,
    description: "Land a rocket on a pad with a main and two side engines (Discrete(4)).",
  },
  {
    id: "LunarLanderContinuous-v3",
    kind: "lander",
    defaults: { continuous: true },
    maxEpisodeSteps: 1000,
    rewardThreshold: 200,
    description: "Land a rocket on a pad with throttled main and side engines (Box(2)).",
  },
  {
    id: "BipedalWalker-v3",
    kind: "walker",
    defaults: {},
    maxEpisodeSteps: 1600,
    rewardThreshold: 300,
    description: "Walk a two-legged robot across rolling terrain with four joint torques.",
  },
  {
    id: "BipedalWalkerHardcore-v3",
    kind: "walker",
    defaults: { hardcore: true },
    maxEpisodeSteps: 2000,
    rewardThreshold: 300,
    description: "Walk a two-legged robot over stumps, pits and stairs with four joint torques.",
  },
];
