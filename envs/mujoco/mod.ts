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
import { MUJOCO_ENV_IDS, type MujocoSpecFacts, mujocoSpecs } from "./specs.ts";
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
export { PlanarWalkerEnv, type PlanarWalkerOptions } from "./planar_walker.ts";
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
export interface MujocoEnvSpec extends MujocoSpecFacts {
  /** Loads MuJoCo if needed and builds the environment; options are validated. */
  create: (options?: Record<string, unknown>) => Promise<MujocoEnv>;
  /** The MuJoCo release the environment is defined on. */
  mujocoVersion: string;
}

/** Each environment's constructor, by id. */
const creators: Record<string, (options?: Record<string, unknown>) => Promise<MujocoEnv>> = {
  "InvertedPendulum-v5": (o) => createInvertedPendulum(o as InvertedPendulumOptions),
  "InvertedDoublePendulum-v5": (o) =>
    createInvertedDoublePendulum(o as InvertedDoublePendulumOptions),
  "Reacher-v5": (o) => createReacher(o as ReacherOptions),
  "Hopper-v5": (o) => createHopper(o as HopperOptions),
  "HalfCheetah-v5": (o) => createHalfCheetah(o as HalfCheetahOptions),
  "Walker2d-v5": (o) => createWalker2d(o as Walker2dOptions),
  "Ant-v5": (o) => createAnt(o as AntOptions),
};

/** The seven environments with Gymnasium's ids, limits and thresholds (see `specs.ts`). */
export const mujocoEnvs: readonly MujocoEnvSpec[] = mujocoSpecs.map((facts) => ({
  ...facts,
  create: creators[facts.id],
  mujocoVersion: MUJOCO_VERSION,
}));

export { MUJOCO_ENV_IDS };
export type { MujocoSpecFacts };
