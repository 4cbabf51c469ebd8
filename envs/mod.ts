/**
 * Environments: spaces, the `Env` interface, the checker, the registry (with the five
 * classic-control, seven MuJoCo and four Box2D environments registered on import; the
 * MuJoCo and Box2D modules and engines load when one of those is first made), wrappers and
 * the vector environment. The MuJoCo and Box2D classes themselves are exported by
 * `./mujoco/mod.ts` and `./box2d/mod.ts`, so that importing this module loads neither.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeSync } from "./mod.ts";
 * const env = makeSync("CartPole-v1", { seed: 0 });
 * env.reset();
 * const step = env.step(0);
 * assert.ok(!(step instanceof Promise));
 * assert.equal(step.reward, 1);
 * ```
 * @module
 */
export * from "./types.ts";
export { type Episode, type EpisodeOptions, playEpisode } from "./episode.ts";
export * from "./spaces.ts";
export { EnvError } from "./errors.ts";
export {
  checkEnv,
  checkEnvSync,
  type CheckOptions,
  checkResetResult,
  checkSpaceMember,
  checkSpaces,
  checkStepResult,
  ResetResultSchema,
  StepResultSchema,
  ValidatingEnv,
} from "./checker.ts";
export {
  closestMatches,
  defaultRegistry,
  editDistance,
  ENV_ID_PATTERN,
  type EnvSpec,
  listEnvs,
  make,
  type MakeOptions,
  makeSync,
  register,
  Registry,
  type SimulatorSpec,
  spec,
  unregister,
} from "./registry.ts";
export {
  BUILTIN_ENV_IDS,
  CLASSIC_ENV_IDS,
  MUJOCO_ENV_IDS,
  registerBuiltinEnvs,
} from "./builtin.ts";
export { RunningMeanStd, type RunningMeanStdState } from "./running_stats.ts";
export * from "./wrappers/mod.ts";
export {
  type FinishedEpisode,
  makeVectorEnv,
  type MakeVectorEnvOptions,
  VectorEnv,
  type VectorEnvLike,
  type VectorEnvOptions,
  type VectorEnvState,
  type VectorStepResult,
} from "./vector.ts";
export { ThreadedVectorEnv, type ThreadedVectorEnvOptions } from "./threaded_vector_env.ts";
export * from "./classic/mod.ts";
export * from "./render.ts";
export { FrameSchema, parseFrame } from "./render_schema.ts";
