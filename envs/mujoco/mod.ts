/**
 * The seven MuJoCo environments of Gymnasium 1.4.0's v5 suite on the official MuJoCo 3.12.0
 * WebAssembly build: `InvertedPendulum-v5`, `InvertedDoublePendulum-v5`, `Reacher-v5`,
 * `Hopper-v5`, `HalfCheetah-v5`, `Walker2d-v5` and `Ant-v5`.
 *
 * Importing this module loads nothing: MuJoCo (`npm:@mujoco/mujoco@3.12.0`, see `deps.ts`) is
 * imported dynamically the first time an environment is created, by the `create…` functions
 * or by `make(id)` through the registry (`envs/builtin.ts` registers {@link mujocoEnvs}).
 *
 * Per-step agreement with Gymnasium is checked by `deno task replay` against recorded
 * transitions (state injected, recorded action stepped). Whole free-running episodes are not a
 * check for the chaotic models: HalfCheetah, Ant and InvertedDoublePendulum trajectories
 * separate to O(1) within about 100–300 steps even between two builds of the same release.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mujocoEnvs } from "./mod.ts";
 * const cheetah = mujocoEnvs.find((e) => e.id === "HalfCheetah-v5")!;
 * assert.equal(cheetah.maxEpisodeSteps, 1000);
 * assert.equal(cheetah.mujocoVersion, "3.12.0");
 * ```
 * @module
 */
import { AntEnv, type AntOptions, createAnt } from "./ant.ts";
import { MujocoEnv } from "./common.ts";
import { MUJOCO_SPECIFIER, MUJOCO_VERSION } from "./deps.ts";
import { createHalfCheetah, HalfCheetahEnv, type HalfCheetahOptions } from "./half_cheetah.ts";
import { createHopper, HopperEnv, type HopperOptions } from "./hopper.ts";
import {
  createInvertedDoublePendulum,
  InvertedDoublePendulumEnv,
  type InvertedDoublePendulumOptions,
} from "./inverted_double_pendulum.ts";
import {
  createInvertedPendulum,
  InvertedPendulumEnv,
  type InvertedPendulumOptions,
} from "./inverted_pendulum.ts";
import { createReacher, ReacherEnv, type ReacherOptions } from "./reacher.ts";
import { createWalker2d, Walker2dEnv, type Walker2dOptions } from "./walker2d.ts";

export {
  AntEnv,
  createAnt,
  createHalfCheetah,
  createHopper,
  createInvertedDoublePendulum,
  createInvertedPendulum,
  createReacher,
  createWalker2d,
  HalfCheetahEnv,
  HopperEnv,
  InvertedDoublePendulumEnv,
  InvertedPendulumEnv,
  MUJOCO_SPECIFIER,
  MUJOCO_VERSION,
  MujocoEnv,
  ReacherEnv,
  Walker2dEnv,
};
export type {
  AntOptions,
  HalfCheetahOptions,
  HopperOptions,
  InvertedDoublePendulumOptions,
  InvertedPendulumOptions,
  ReacherOptions,
  Walker2dOptions,
};
export { loadMujoco } from "./runtime.ts";
export type { MjDataLike, MjHandle, MjModelLike, MjOptionLike, MujocoModule } from "./runtime.ts";
export { ROOT_JOINT, toMjcf } from "./mjcf.ts";
export type {
  BodyDesc,
  GeomAttributes,
  GeomDesc,
  JointAttributes,
  JointDesc,
  ModelDesc,
  MotorDesc,
  SiteDesc,
} from "./mjcf.ts";
export { numpySum, sumSquaresFloat32 } from "./common.ts";
export type {
  MujocoEnvConfig,
  MujocoResetResult,
  MujocoStepResult,
  MujocoViews,
} from "./common.ts";

/** Registration data of one MuJoCo environment. */
export interface MujocoEnvSpec {
  /** Gymnasium's id, e.g. `Hopper-v5`. */
  id: string;
  /** Loads MuJoCo if needed and builds the environment; options are validated. */
  create: (options?: Record<string, unknown>) => Promise<MujocoEnv>;
  /** Gymnasium's time limit. */
  maxEpisodeSteps: number;
  /** Gymnasium's reward threshold, `undefined` where it has none (Walker2d). */
  rewardThreshold: number | undefined;
  /** The MuJoCo release the environment is defined on. */
  mujocoVersion: string;
  /** One sentence on the task. */
  description: string;
}

/** The seven environments with Gymnasium's ids, limits and thresholds. */
export const mujocoEnvs: readonly MujocoEnvSpec[] = [
  {
    id: "InvertedPendulum-v5",
    create: (o) => createInvertedPendulum(o as InvertedPendulumOptions),
    maxEpisodeSteps: 1000,
    rewardThreshold: 950,
    mujocoVersion: MUJOCO_VERSION,
    description: "Keep a pole upright on a cart by pushing the cart (MuJoCo).",
  },
  {
    id: "InvertedDoublePendulum-v5",
    create: (o) => createInvertedDoublePendulum(o as InvertedDoublePendulumOptions),
    maxEpisodeSteps: 1000,
    rewardThreshold: 9100,
    mujocoVersion: MUJOCO_VERSION,
    description: "Keep a two-link pole upright on a cart, its tip high (MuJoCo).",
  },
  {
    id: "Reacher-v5",
    create: (o) => createReacher(o as ReacherOptions),
    maxEpisodeSteps: 50,
    rewardThreshold: -3.75,
    mujocoVersion: MUJOCO_VERSION,
    description: "Move a two-link arm's fingertip to a random target (MuJoCo).",
  },
  {
    id: "Hopper-v5",
    create: (o) => createHopper(o as HopperOptions),
    maxEpisodeSteps: 1000,
    rewardThreshold: 3800,
    mujocoVersion: MUJOCO_VERSION,
    description: "Make a one-legged planar robot hop forward without falling (MuJoCo).",
  },
  {
    id: "HalfCheetah-v5",
    create: (o) => createHalfCheetah(o as HalfCheetahOptions),
    maxEpisodeSteps: 1000,
    rewardThreshold: 4800,
    mujocoVersion: MUJOCO_VERSION,
    description: "Make a planar two-legged cheetah run forward fast (MuJoCo).",
  },
  {
    id: "Walker2d-v5",
    create: (o) => createWalker2d(o as Walker2dOptions),
    maxEpisodeSteps: 1000,
    rewardThreshold: undefined,
    mujocoVersion: MUJOCO_VERSION,
    description: "Make a two-legged planar robot walk forward without falling (MuJoCo).",
  },
  {
    id: "Ant-v5",
    create: (o) => createAnt(o as AntOptions),
    maxEpisodeSteps: 1000,
    rewardThreshold: 6000,
    mujocoVersion: MUJOCO_VERSION,
    description: "Make a four-legged robot walk in the +x direction (MuJoCo).",
  },
];

/** Ids of the MuJoCo environments. */
export const MUJOCO_ENV_IDS: readonly string[] = mujocoEnvs.map((e) => e.id);
