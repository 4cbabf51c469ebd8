/**
 * What the registry knows of the seven MuJoCo v5 environments before any of them is made:
 * Gymnasium's id, time limit, reward threshold and a one-line description. `mod.ts` pairs
 * each with its constructor; `../builtin.ts` registers them from this list alone, so that
 * registering loads none of the MuJoCo modules (they load when one is first made).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MUJOCO_ENV_IDS, mujocoSpecs } from "./specs.ts";
 * assert.equal(MUJOCO_ENV_IDS.length, 7);
 * assert.equal(mujocoSpecs.find((s) => s.id === "Reacher-v5")?.maxEpisodeSteps, 50);
 * ```
 * @module
 */

/** Registration facts of one MuJoCo environment. */
export interface MujocoSpecFacts {
  /** Gymnasium's id, e.g. `Hopper-v5`. */
  id: string;
  /** Gymnasium's time limit. */
  maxEpisodeSteps: number;
  /** Gymnasium's reward threshold, `undefined` where it has none (Walker2d). */
  rewardThreshold: number | undefined;
  /** One sentence on the task. */
  description: string;
}

/** The seven environments with Gymnasium's ids, limits and thresholds. */
export const mujocoSpecs: readonly MujocoSpecFacts[] = [
  {
    id: "InvertedPendulum-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 950,
    description: "Keep a pole upright on a cart by pushing the cart (MuJoCo).",
  },
  {
    id: "InvertedDoublePendulum-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 9100,
    description: "Keep a two-link pole upright on a cart, its tip high (MuJoCo).",
  },
  {
    id: "Reacher-v5",
    maxEpisodeSteps: 50,
    rewardThreshold: -3.75,
    description: "Move a two-link arm's fingertip to a random target (MuJoCo).",
  },
  {
    id: "Hopper-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 3800,
    description: "Make a one-legged planar robot hop forward without falling (MuJoCo).",
  },
  {
    id: "HalfCheetah-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 4800,
    description: "Make a planar two-legged cheetah run forward fast (MuJoCo).",
  },
  {
    id: "Walker2d-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: undefined,
    description: "Make a two-legged planar robot walk forward without falling (MuJoCo).",
  },
  {
    id: "Ant-v5",
    maxEpisodeSteps: 1000,
    rewardThreshold: 6000,
    description: "Make a four-legged robot walk in the +x direction (MuJoCo).",
  },
];

/** Ids of the MuJoCo environments. */
export const MUJOCO_ENV_IDS: readonly string[] = mujocoSpecs.map((s) => s.id);
